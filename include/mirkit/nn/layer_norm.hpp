// Layer normalisation over the last axis (Ba et al. 2016), as torch.nn.LayerNorm(F):
// y = (x − mean) / sqrt(var + eps) · gamma + beta, the variance biased (divided by F).
#pragma once

#include "mirkit/nn/layer.hpp"

namespace mirkit::nn {

class LayerNorm : public Layer {
 public:
  LayerNorm(const Tensor& gamma, const Tensor& beta, float eps);

  Shape output_shape(const Shape& input) const override;
  void forward(const Tensor& in, Tensor& out) const override;

  // rows × F in place, for the transformer block.
  void apply(MatrixMap values) const;

 private:
  Eigen::RowVectorXf gamma_, beta_;
  float eps_;
};

}  // namespace mirkit::nn
