// Attention pooling's gradient: with a = softmax(s) and out = Σ_t a_t x_t, each score gets
// ds_t = a_t (g·x_t − g·out), where g = dL/dout, and each x_t receives a_t g + ds_t w.
#include <cmath>

#include "factories.hpp"
#include "layers.hpp"
#include "mirkit/core/error.hpp"

namespace mirkit::nn::train {

AttentionPooling::AttentionPooling(Parameter weight, Parameter bias)
    : weight_(std::move(weight)), bias_(std::move(bias)) {}

Shape AttentionPooling::output_shape(const Shape& input) const {
  const std::int64_t f = weight_.value->dim(1);
  if (input.size() != 3 || input[2] != f || input[1] < 1) {
    throw Error("attention_pooling expects (N, T ≥ 1, " + std::to_string(f) + "), got " +
                to_string(input));
  }
  return {input[0], f};
}

void AttentionPooling::forward(const Tensor& in, Tensor& out, const Pass&) {
  out.resize(output_shape(in.shape()));
  const std::int64_t n = in.dim(0), steps = in.dim(1), f = in.dim(2);
  const Eigen::Map<const Eigen::RowVectorXf> w(weight_.value->data(), f);
  attention_.resize(n, steps);
  for (std::int64_t b = 0; b < n; ++b) {
    const ConstMatrixMap x(in.data() + b * steps * f, steps, f);
    Eigen::VectorXf scores = x * w.transpose();
    scores.array() += bias_.value->data()[0];
    const Eigen::VectorXf e = (scores.array() - scores.maxCoeff()).exp();
    attention_.row(b) = (e / e.sum()).transpose();
    out.matrix(n, f).row(b) = attention_.row(b) * x;
  }
}

void AttentionPooling::backward(const Tensor& in, const Tensor& out, const Tensor& grad_out,
                                Tensor& grad_in) {
  const std::int64_t n = in.dim(0), steps = in.dim(1), f = in.dim(2);
  const Eigen::Map<const Eigen::RowVectorXf> w(weight_.value->data(), f);
  Eigen::Map<Eigen::RowVectorXf> dw(weight_.grad.data(), f);
  grad_in.resize(in.shape());
  for (std::int64_t b = 0; b < n; ++b) {
    const ConstMatrixMap x(in.data() + b * steps * f, steps, f);
    MatrixMap dx(grad_in.data() + b * steps * f, steps, f);
    const Eigen::RowVectorXf g = grad_out.matrix(n, f).row(b);
    const float g_out = g.dot(out.matrix(n, f).row(b));
    const Eigen::VectorXf ds =
        attention_.row(b).transpose().array() * ((x * g.transpose()).array() - g_out);
    dx.noalias() = attention_.row(b).transpose() * g;
    dx.noalias() += ds * w;
    dw.noalias() += ds.transpose() * x;
    bias_.grad.data()[0] += ds.sum();
  }
}

void AttentionPooling::collect(std::vector<Parameter*>& parameters, std::vector<Buffer>&) {
  parameters.push_back(&weight_);
  parameters.push_back(&bias_);
}

std::unique_ptr<TrainLayer> AttentionPooling::replicate() const {
  auto copy = std::make_unique<AttentionPooling>(fresh_copy(weight_), fresh_copy(bias_));
  copy->frozen_ = frozen_;
  return copy;
}

std::unique_ptr<TrainLayer> trainable_attention_pooling(const LoadContext& c, Builder& builder) {
  const std::int64_t f = c.integer("in_features");
  const double bound = 1.0 / std::sqrt(static_cast<double>(f));
  return std::make_unique<AttentionPooling>(builder.take(c, "score.weight", {1, f}, bound),
                                            builder.take(c, "score.bias", {1}, bound, false));
}

}  // namespace mirkit::nn::train
