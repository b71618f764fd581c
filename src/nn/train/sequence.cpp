#include "factories.hpp"
#include "layers.hpp"
#include "mirkit/core/error.hpp"

namespace mirkit::nn::train {

Shape Sequence::output_shape(const Shape& input) const {
  Shape shape = input;
  for (const auto& layer : layers_)
    shape = layer->output_shape(shape);
  return shape;
}

void Sequence::forward(const Tensor& in, Tensor& out, const Pass& pass) {
  outputs_.resize(layers_.size());
  const Tensor* current = &in;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    layers_[i]->forward(*current, outputs_[i], pass);
    current = &outputs_[i];
  }
  out = *current;
}

void Sequence::backward(const Tensor& in, const Tensor&, const Tensor& grad_out, Tensor& grad_in) {
  // grads_[i]: dL/d(layer i's input), kept between calls so that no step allocates.
  grads_.resize(layers_.size());
  for (std::size_t i = layers_.size(); i-- > 0;) {
    const Tensor& layer_in = i == 0 ? in : outputs_[i - 1];
    const Tensor& upstream = i + 1 == layers_.size() ? grad_out : grads_[i + 1];
    layers_[i]->backward(layer_in, outputs_[i], upstream, i == 0 ? grad_in : grads_[i]);
  }
  if (layers_.empty()) grad_in = grad_out;
}

void Sequence::collect(std::vector<Parameter*>& parameters, std::vector<Buffer>& buffers) {
  for (const auto& layer : layers_)
    layer->collect(parameters, buffers);
}

std::unique_ptr<TrainLayer> Sequence::replicate() const {
  std::vector<std::unique_ptr<TrainLayer>> copies;
  for (const auto& layer : layers_)
    copies.push_back(layer->replicate());
  auto copy = std::make_unique<Sequence>(std::move(copies));
  copy->frozen_ = frozen_;
  return copy;
}

void Sequence::commit_statistics() {
  for (const auto& layer : layers_)
    layer->commit_statistics();
}

void Sequence::freeze() {
  frozen_ = true;
  for (const auto& layer : layers_)
    layer->freeze();
}

Shape Residual::output_shape(const Shape& input) const {
  const Shape body = body_->output_shape(input);
  const Shape shortcut = shortcut_ ? shortcut_->output_shape(input) : input;
  if (body != shortcut) {
    throw Error("residual: body gives " + to_string(body) + " but the shortcut " +
                to_string(shortcut));
  }
  return body;
}

void Residual::forward(const Tensor& in, Tensor& out, const Pass& pass) {
  (void)output_shape(in.shape());
  body_->forward(in, body_out_, pass);
  out = body_out_;
  if (shortcut_) {
    shortcut_->forward(in, shortcut_out_, pass);
    out.matrix(1, out.size()) += shortcut_out_.matrix(1, out.size());
  } else {
    out.matrix(1, out.size()) += in.matrix(1, in.size());
  }
}

void Residual::backward(const Tensor& in, const Tensor&, const Tensor& grad_out, Tensor& grad_in) {
  body_->backward(in, body_out_, grad_out, grad_in);
  if (shortcut_) {
    shortcut_->backward(in, shortcut_out_, grad_out, through_);
    grad_in.matrix(1, grad_in.size()) += through_.matrix(1, through_.size());
  } else {
    grad_in.matrix(1, grad_in.size()) += grad_out.matrix(1, grad_out.size());
  }
}

void Residual::collect(std::vector<Parameter*>& parameters, std::vector<Buffer>& buffers) {
  body_->collect(parameters, buffers);
  if (shortcut_) shortcut_->collect(parameters, buffers);
}

std::unique_ptr<TrainLayer> Residual::replicate() const {
  std::unique_ptr<Sequence> body(static_cast<Sequence*>(body_->replicate().release()));
  std::unique_ptr<Sequence> shortcut;
  if (shortcut_) shortcut.reset(static_cast<Sequence*>(shortcut_->replicate().release()));
  auto copy = std::make_unique<Residual>(std::move(body), std::move(shortcut));
  copy->frozen_ = frozen_;
  return copy;
}

void Residual::commit_statistics() {
  body_->commit_statistics();
  if (shortcut_) shortcut_->commit_statistics();
}

void Residual::freeze() {
  frozen_ = true;
  body_->freeze();
  if (shortcut_) shortcut_->freeze();
}

std::unique_ptr<TrainLayer> trainable_residual(const LoadContext& c, Builder& builder) {
  if (!c.raw().contains("body")) c.fail("missing 'body'");
  std::unique_ptr<Sequence> body = builder.sequence(c.raw()["body"], c.path() + ".body");
  std::unique_ptr<Sequence> shortcut;
  if (c.raw().contains("shortcut"))
    shortcut = builder.sequence(c.raw()["shortcut"], c.path() + ".shortcut");
  return std::make_unique<Residual>(std::move(body), std::move(shortcut));
}

}  // namespace mirkit::nn::train
