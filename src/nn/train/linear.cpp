#include <cmath>

#include "factories.hpp"
#include "layers.hpp"
#include "mirkit/core/error.hpp"

namespace mirkit::nn::train {

Linear::Linear(Parameter weight, std::unique_ptr<Parameter> bias)
    : weight_(std::move(weight)), bias_(std::move(bias)) {}

Shape Linear::output_shape(const Shape& input) const {
  const std::int64_t in = weight_.value->dim(1);
  if (input.size() < 2 || input.back() != in) {
    throw Error("linear expects (..., " + std::to_string(in) + "), got " + to_string(input));
  }
  Shape out = input;
  out.back() = weight_.value->dim(0);
  return out;
}

void Linear::forward(const Tensor& in, Tensor& out, const Pass&) {
  out.resize(output_shape(in.shape()));
  const std::int64_t outputs = weight_.value->dim(0), inputs = weight_.value->dim(1);
  const std::int64_t rows = in.size() / inputs;
  const auto w = weight_.value->matrix(outputs, inputs);
  MatrixMap y = out.matrix(rows, outputs);
  y.noalias() = in.matrix(rows, inputs) * w.transpose();
  if (bias_) y.rowwise() += bias_->value->matrix(1, outputs).row(0);
}

void Linear::backward(const Tensor& in, const Tensor&, const Tensor& grad_out, Tensor& grad_in) {
  const std::int64_t outputs = weight_.value->dim(0), inputs = weight_.value->dim(1);
  const std::int64_t rows = in.size() / inputs;
  const ConstMatrixMap dy = grad_out.matrix(rows, outputs);
  weight_.grad.matrix(outputs, inputs).noalias() += dy.transpose() * in.matrix(rows, inputs);
  if (bias_) bias_->grad.matrix(1, outputs) += dy.colwise().sum();
  grad_in.resize(in.shape());
  grad_in.matrix(rows, inputs).noalias() = dy * weight_.value->matrix(outputs, inputs);
}

void Linear::collect(std::vector<Parameter*>& parameters, std::vector<Buffer>&) {
  parameters.push_back(&weight_);
  if (bias_) parameters.push_back(bias_.get());
}

std::unique_ptr<TrainLayer> Linear::replicate() const {
  auto copy = std::make_unique<Linear>(
      fresh_copy(weight_), bias_ ? std::make_unique<Parameter>(fresh_copy(*bias_)) : nullptr);
  copy->frozen_ = frozen_;
  return copy;
}

std::unique_ptr<TrainLayer> trainable_linear(const LoadContext& c, Builder& builder) {
  const std::int64_t in = c.integer("in_features"), out = c.integer("out_features");
  const double bound = 1.0 / std::sqrt(static_cast<double>(in));
  Parameter weight = builder.take(c, "weight", {out, in}, bound);
  std::unique_ptr<Parameter> bias;
  if (c.boolean("bias"))
    bias = std::make_unique<Parameter>(builder.take(c, "bias", {out}, bound, false));
  return std::make_unique<Linear>(std::move(weight), std::move(bias));
}

}  // namespace mirkit::nn::train
