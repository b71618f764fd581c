// Fully connected layer on the last axis, as torch.nn.Linear: y = x Wᵀ + b for every leading
// index at once (one matrix product over all N · T rows).
#pragma once

#include "mirkit/nn/layer.hpp"

namespace mirkit::nn {

class Linear : public Layer {
 public:
  // weight (out, in) as PyTorch stores it; bias (out) or empty.
  Linear(const Tensor& weight, const Tensor& bias);

  Shape output_shape(const Shape& input) const override;
  void forward(const Tensor& in, Tensor& out) const override;

  // rows × in → rows × out, for layers built from linear maps (attention, recurrent gates).
  void apply(ConstMatrixMap in, MatrixMap out) const;

  std::int64_t in_features() const { return weight_t_.rows(); }
  std::int64_t out_features() const { return weight_t_.cols(); }

 private:
  Matrix weight_t_;  // in × out: the transpose, so the product streams rows of both
  Eigen::RowVectorXf bias_;
};

}  // namespace mirkit::nn
