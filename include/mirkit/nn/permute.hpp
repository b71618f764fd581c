// Reorders the axes, as Tensor.permute(dims), and makes the result contiguous: e.g. a CRNN's
// (N, C, T, F) feature maps to (N, T, C, F) before flattening each time step for the GRU.
#pragma once

#include <vector>

#include "mirkit/nn/layer.hpp"

namespace mirkit::nn {

class Permute : public Layer {
 public:
  // dims[k] is the input axis that becomes output axis k (the batch axis included).
  explicit Permute(std::vector<int> dims) : dims_(std::move(dims)) {}

  Shape output_shape(const Shape& input) const override;
  void forward(const Tensor& in, Tensor& out) const override;

 private:
  std::vector<int> dims_;
};

}  // namespace mirkit::nn
