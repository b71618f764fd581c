// Layers that move values without computing: dropout (a mask), and flatten / reshape / permute
// (the inference layers', undone in the backward pass).
#include "../../core/random.hpp"
#include "factories.hpp"
#include "layers.hpp"
#include "mirkit/core/error.hpp"
#include "mirkit/nn/permute.hpp"
#include "mirkit/nn/reshape.hpp"

namespace mirkit::nn::train {

void Dropout::forward(const Tensor& in, Tensor& out, const Pass& pass) {
  out = in;
  mask_.clear();
  if (!pass.training || frozen_ || p_ <= 0.0) return;
  if (pass.random == nullptr) throw Error("dropout in training needs a random stream");
  const auto keep = static_cast<float>(1.0 / (1.0 - p_));
  mask_.resize(static_cast<std::size_t>(in.size()));
  for (std::size_t i = 0; i < mask_.size(); ++i)
    mask_[i] = pass.random->uniform() < p_ ? 0.0f : keep;
  for (std::size_t i = 0; i < mask_.size(); ++i)
    out.data()[i] *= mask_[i];
}

void Dropout::backward(const Tensor&, const Tensor&, const Tensor& grad_out, Tensor& grad_in) {
  grad_in = grad_out;
  for (std::size_t i = 0; i < mask_.size(); ++i)
    grad_in.data()[i] *= mask_[i];
}

std::unique_ptr<TrainLayer> Dropout::replicate() const {
  auto copy = std::make_unique<Dropout>(p_);
  copy->frozen_ = frozen_;
  return copy;
}

void ShapeLayer::forward(const Tensor& in, Tensor& out, const Pass&) {
  forward_->forward(in, out);
}

void ShapeLayer::backward(const Tensor& in, const Tensor&, const Tensor& grad_out,
                          Tensor& grad_in) {
  if (inverse_) {
    inverse_->forward(grad_out, grad_in);
  } else {
    grad_in = grad_out;
    grad_in.reshape(in.shape());
  }
}

std::unique_ptr<TrainLayer> ShapeLayer::replicate() const {
  return std::make_unique<ShapeLayer>(forward_, inverse_);
}

std::unique_ptr<TrainLayer> trainable_dropout(const LoadContext& c, Builder&) {
  return std::make_unique<Dropout>(c.number("p"));
}

std::unique_ptr<TrainLayer> trainable_flatten(const LoadContext& c, Builder&) {
  return std::make_unique<ShapeLayer>(
      std::make_shared<nn::Flatten>(static_cast<int>(c.integer("start_dim")),
                                    static_cast<int>(c.integer("end_dim"))),
      nullptr);
}

std::unique_ptr<TrainLayer> trainable_reshape(const LoadContext& c, Builder&) {
  const auto dims = c.integers("shape", c.params()["shape"].size());
  return std::make_unique<ShapeLayer>(
      std::make_shared<nn::Reshape>(Shape(dims.begin(), dims.end())), nullptr);
}

std::unique_ptr<TrainLayer> trainable_permute(const LoadContext& c, Builder&) {
  const auto dims = c.integers("dims", c.params()["dims"].size());
  std::vector<int> order(dims.begin(), dims.end()), inverse(dims.size());
  for (std::size_t k = 0; k < order.size(); ++k) {
    if (order[k] < 0 || order[k] >= static_cast<int>(order.size())) {
      c.fail("'dims' must be a permutation of 0.." + std::to_string(order.size() - 1));
    }
    inverse[static_cast<std::size_t>(order[k])] = static_cast<int>(k);
  }
  return std::make_unique<ShapeLayer>(std::make_shared<nn::Permute>(order),
                                      std::make_shared<nn::Permute>(inverse));
}

}  // namespace mirkit::nn::train
