// Shape changes that keep the row-major order of the values: flatten (torch.flatten) and
// reshape (Tensor.reshape with the batch axis kept).
#pragma once

#include "mirkit/nn/layer.hpp"

namespace mirkit::nn {

class Flatten : public Layer {
 public:
  // Axes start_dim..end_dim (inclusive; negative counts from the end) become one.
  Flatten(int start_dim = 1, int end_dim = -1) : start_(start_dim), end_(end_dim) {}

  Shape output_shape(const Shape& input) const override;
  void forward(const Tensor& in, Tensor& out) const override;

 private:
  int start_, end_;
};

class Reshape : public Layer {
 public:
  // The shape after the batch axis; one entry may be −1 (inferred).
  explicit Reshape(Shape shape) : shape_(std::move(shape)) {}

  Shape output_shape(const Shape& input) const override;
  void forward(const Tensor& in, Tensor& out) const override;

 private:
  Shape shape_;
};

}  // namespace mirkit::nn
