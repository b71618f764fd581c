// Batch normalisation at inference (Ioffe & Szegedy 2015), as torch.nn.BatchNorm1d/2d in eval
// mode: y = (x − mean) / sqrt(var + eps) · gamma + beta per channel (axis 1) — an affine
// y = scale · x + shift. Right after a convolution the loader folds it into the convolution's
// weights, so it costs nothing; elsewhere it stays this layer.
#pragma once

#include "mirkit/nn/layer.hpp"

namespace mirkit::nn {

class BatchNorm : public Layer {
 public:
  BatchNorm(Eigen::VectorXf scale, Eigen::VectorXf shift)
      : scale_(std::move(scale)), shift_(std::move(shift)) {}
  static BatchNorm from_statistics(const Tensor& gamma, const Tensor& beta, const Tensor& mean,
                                   const Tensor& var, double eps);

  Shape output_shape(const Shape& input) const override;
  void forward(const Tensor& in, Tensor& out) const override;

  const Eigen::VectorXf& scale() const { return scale_; }
  const Eigen::VectorXf& shift() const { return shift_; }

 private:
  Eigen::VectorXf scale_;
  Eigen::VectorXf shift_;
};

}  // namespace mirkit::nn
