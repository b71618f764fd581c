// Global average or max pooling: (N, C, ...) → (N, C), over every axis after the channels
// (torch's adaptive_avg_pool / adaptive_max_pool to size 1, then flatten).
#pragma once

#include "mirkit/nn/pooling.hpp"

namespace mirkit::nn {

class GlobalPool : public Layer {
 public:
  explicit GlobalPool(PoolKind kind) : kind_(kind) {}

  Shape output_shape(const Shape& input) const override;
  void forward(const Tensor& in, Tensor& out) const override;

 private:
  PoolKind kind_;
};

}  // namespace mirkit::nn
