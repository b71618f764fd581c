// Element-wise activations and their derivatives, written from the output where that is exact
// (sigmoid: y(1 − y), tanh: 1 − y², ELU below 0: y + α) and from the input otherwise.
#include <cmath>
#include <numbers>

#include "factories.hpp"
#include "layers.hpp"
#include "mirkit/nn/softmax.hpp"

namespace mirkit::nn::train {

void Activation::forward(const Tensor& in, Tensor& out, const Pass&) {
  out.resize(in.shape());
  const float* x = in.data();
  float* y = out.data();
  const std::int64_t size = in.size();
  switch (type_) {
    case ActivationType::relu:
      for (std::int64_t i = 0; i < size; ++i)
        y[i] = x[i] > 0.0f ? x[i] : 0.0f;
      break;
    case ActivationType::leaky_relu:
      for (std::int64_t i = 0; i < size; ++i)
        y[i] = x[i] >= 0.0f ? x[i] : alpha_ * x[i];
      break;
    case ActivationType::elu:
      for (std::int64_t i = 0; i < size; ++i)
        y[i] = x[i] > 0.0f ? x[i] : alpha_ * std::expm1(x[i]);
      break;
    case ActivationType::gelu:
      for (std::int64_t i = 0; i < size; ++i)
        y[i] = 0.5f * x[i] * (1.0f + std::erf(x[i] * static_cast<float>(std::numbers::sqrt2 / 2)));
      break;
    case ActivationType::sigmoid:
      for (std::int64_t i = 0; i < size; ++i)
        y[i] = 1.0f / (1.0f + std::exp(-x[i]));
      break;
    case ActivationType::tanh:
      for (std::int64_t i = 0; i < size; ++i)
        y[i] = std::tanh(x[i]);
      break;
  }
}

void Activation::backward(const Tensor& in, const Tensor& out, const Tensor& grad_out,
                          Tensor& grad_in) {
  grad_in.resize(in.shape());
  const float* x = in.data();
  const float* y = out.data();
  const float* dy = grad_out.data();
  float* dx = grad_in.data();
  const std::int64_t size = in.size();
  switch (type_) {
    case ActivationType::relu:
      for (std::int64_t i = 0; i < size; ++i)
        dx[i] = x[i] > 0.0f ? dy[i] : 0.0f;
      break;
    case ActivationType::leaky_relu:
      for (std::int64_t i = 0; i < size; ++i)
        dx[i] = x[i] >= 0.0f ? dy[i] : alpha_ * dy[i];
      break;
    case ActivationType::elu:
      for (std::int64_t i = 0; i < size; ++i)
        dx[i] = x[i] > 0.0f ? dy[i] : dy[i] * (y[i] + alpha_);
      break;
    case ActivationType::gelu: {
      const double inv_sqrt2 = std::numbers::sqrt2 / 2;
      const double inv_sqrt_2pi = std::numbers::inv_sqrtpi * inv_sqrt2;
      for (std::int64_t i = 0; i < size; ++i) {
        const double v = x[i];
        const double cdf = 0.5 * (1.0 + std::erf(v * inv_sqrt2));
        const double pdf = inv_sqrt_2pi * std::exp(-0.5 * v * v);
        dx[i] = static_cast<float>(dy[i] * (cdf + v * pdf));
      }
      break;
    }
    case ActivationType::sigmoid:
      for (std::int64_t i = 0; i < size; ++i)
        dx[i] = dy[i] * y[i] * (1.0f - y[i]);
      break;
    case ActivationType::tanh:
      for (std::int64_t i = 0; i < size; ++i)
        dx[i] = dy[i] * (1.0f - y[i] * y[i]);
      break;
  }
}

std::unique_ptr<TrainLayer> Activation::replicate() const {
  auto copy = std::make_unique<Activation>(type_, alpha_);
  copy->frozen_ = frozen_;
  return copy;
}

Shape Softmax::output_shape(const Shape& input) const {
  return nn::Softmax(axis_).output_shape(input);
}

void Softmax::forward(const Tensor& in, Tensor& out, const Pass&) {
  nn::Softmax(axis_).forward(in, out);
}

void Softmax::backward(const Tensor& in, const Tensor& out, const Tensor& grad_out,
                       Tensor& grad_in) {
  grad_in.resize(in.shape());
  const int axis = axis_ < 0 ? axis_ + in.rank() : axis_;
  std::int64_t inner = 1;
  for (int a = axis + 1; a < in.rank(); ++a)
    inner *= in.dim(a);
  const std::int64_t length = in.dim(axis), outer = in.size() / (length * inner);
  for (std::int64_t o = 0; o < outer; ++o) {
    for (std::int64_t i = 0; i < inner; ++i) {
      const std::int64_t first = o * length * inner + i;
      double dot = 0.0;
      for (std::int64_t k = 0; k < length; ++k)
        dot +=
            static_cast<double>(grad_out.data()[first + k * inner]) * out.data()[first + k * inner];
      for (std::int64_t k = 0; k < length; ++k) {
        const std::int64_t at = first + k * inner;
        grad_in.data()[at] = out.data()[at] * (grad_out.data()[at] - static_cast<float>(dot));
      }
    }
  }
}

std::unique_ptr<TrainLayer> Softmax::replicate() const {
  auto copy = std::make_unique<Softmax>(axis_);
  copy->frozen_ = frozen_;
  return copy;
}

std::unique_ptr<TrainLayer> trainable_softmax(const LoadContext& c, Builder&) {
  return std::make_unique<Softmax>(static_cast<int>(c.integer("dim")));
}

TrainableFactory trainable_activation(ActivationType type, const char* parameter) {
  return [type, parameter](const LoadContext& c, Builder&) -> std::unique_ptr<TrainLayer> {
    const float value = parameter ? static_cast<float>(c.number(parameter)) : 0.0f;
    return std::make_unique<Activation>(type, value);
  };
}

}  // namespace mirkit::nn::train
