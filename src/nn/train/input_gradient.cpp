#include "mirkit/nn/input_gradient.hpp"

#include "../../core/random.hpp"
#include "builder.hpp"
#include "mirkit/core/error.hpp"

namespace mirkit::nn {

InputGradient::InputGradient(const std::filesystem::path& model) {
  io::TensorFile file = io::read_safetensors(model);
  const Json& meta = file.metadata;
  WeightStore store{model.string(), std::move(file.tensors), {}};
  Random unused(0);  // every tensor comes from the file
  try {
    network_ = std::make_unique<train::TrainableNetwork>(
        train::build_trainable(meta.at("network"), store, unused));
  } catch (const Error& error) {
    throw usage_error(error.cause());
  }
}

InputGradient::~InputGradient() = default;
InputGradient::InputGradient(InputGradient&&) noexcept = default;

Tensor InputGradient::gradient(const Tensor& input, int target) {
  Tensor logits, grad_in;
  network_->root->forward(input, logits, train::Pass{false, nullptr});
  const std::int64_t n = logits.dim(0), classes = logits.dim(1);
  if (target < 0 || target >= classes) throw usage_error("no class " + std::to_string(target));
  Tensor grad_out(logits.shape());
  for (std::int64_t i = 0; i < n; ++i)
    grad_out.data()[i * classes + target] = 1.0f;
  network_->root->backward(input, logits, grad_out, grad_in);
  return grad_in;
}

}  // namespace mirkit::nn
