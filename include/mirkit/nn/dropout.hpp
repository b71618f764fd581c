// Dropout: the identity at inference (torch.nn.Dropout in eval mode). Kept as a layer so that a
// description written for training loads unchanged.
#pragma once

#include "mirkit/nn/layer.hpp"

namespace mirkit::nn {

class Dropout : public Layer {
 public:
  Shape output_shape(const Shape& input) const override { return input; }
  void forward(const Tensor& in, Tensor& out) const override { out = in; }
};

}  // namespace mirkit::nn
