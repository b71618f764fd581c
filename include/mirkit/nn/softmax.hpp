// Softmax along one axis, as torch.nn.Softmax(dim): exp(x − max) / Σ exp(x − max).
#pragma once

#include "mirkit/nn/layer.hpp"

namespace mirkit::nn {

class Softmax : public Layer {
 public:
  explicit Softmax(int axis = -1) : axis_(axis) {}

  Shape output_shape(const Shape& input) const override;
  void forward(const Tensor& in, Tensor& out) const override;

 private:
  int axis_;  // negative counts from the end
};

// Softmax in place of `length` values spaced `stride` apart; shared by the layers that normalise
// scores (attention, attention pooling) and by the clip aggregation.
void softmax_inplace(float* values, std::int64_t length, std::int64_t stride = 1);

}  // namespace mirkit::nn
