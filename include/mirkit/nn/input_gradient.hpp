// The gradient of a network's class score with respect to its input, through the training
// layers' backward passes (src/nn/train): what gradient saliency maps are made of (Simonyan et
// al. 2014). The network runs as at inference (batch norm's running statistics, no dropout).
#pragma once

#include <filesystem>
#include <memory>

#include "mirkit/nn/tensor.hpp"

namespace mirkit::nn {

namespace train {
struct TrainableNetwork;
}

class InputGradient {
 public:
  // Reads a network model file; a usage Error names a layer type without a backward pass.
  explicit InputGradient(const std::filesystem::path& model);
  ~InputGradient();
  InputGradient(InputGradient&&) noexcept;

  // d score / d input for each item of `input` (N, input shape...), the score being the class's
  // logit (Simonyan et al.'s class score: unlike the probability it does not saturate, so a
  // window the network is sure of still shows what it looked at).
  Tensor gradient(const Tensor& input, int target);

 private:
  std::unique_ptr<train::TrainableNetwork> network_;
};

}  // namespace mirkit::nn
