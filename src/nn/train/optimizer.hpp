// Internal: the optimisers, as PyTorch's torch.optim defines them (so a recipe's settings mean
// the same in both):
//   sgd    v ← μ v + (g + λ w);  w ← w − η v   (nesterov: w ← w − η (g + λ w + μ v))
//   adam   g ← g + λ w; m ← β₁ m + (1 − β₁) g; v ← β₂ v + (1 − β₂) g²;
//          w ← w − η m̂ / (√v̂ + ε), m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ)
//   adamw  as adam without λ in g, and w ← w − η λ w first (decoupled weight decay)
// Weight decay λ applies to weights only, not to biases or normalisation parameters. Frozen
// parameters are left alone.
#pragma once

#include <string>
#include <vector>

#include "layers.hpp"

namespace mirkit::nn::train {

enum class OptimizerKind { sgd, adam, adamw };
OptimizerKind parse_optimizer(const std::string& name);

struct OptimizerOptions {
  OptimizerKind kind = OptimizerKind::adam;
  double momentum = 0.9;  // sgd
  bool nesterov = false;
  double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
  double weight_decay = 0.0;
};

class Optimizer {
 public:
  Optimizer(const OptimizerOptions& options, const std::vector<Parameter*>& parameters);
  // One step with each parameter's grad at learning rate `rate`.
  void step(double rate);

 private:
  OptimizerOptions options_;
  std::vector<Parameter*> parameters_;
  std::vector<std::vector<double>> first_, second_;  // momentum / Adam moments, per parameter
  long steps_ = 0;
};

}  // namespace mirkit::nn::train
