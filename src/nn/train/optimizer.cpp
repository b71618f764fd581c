#include "optimizer.hpp"

#include <cmath>

#include "mirkit/core/error.hpp"

namespace mirkit::nn::train {

OptimizerKind parse_optimizer(const std::string& name) {
  if (name == "sgd") return OptimizerKind::sgd;
  if (name == "adam") return OptimizerKind::adam;
  if (name == "adamw") return OptimizerKind::adamw;
  throw usage_error("unknown optimizer '" + name + "'; choose sgd, adam or adamw");
}

Optimizer::Optimizer(const OptimizerOptions& options, const std::vector<Parameter*>& parameters)
    : options_(options), parameters_(parameters) {
  for (const Parameter* p : parameters_) {
    first_.emplace_back(static_cast<std::size_t>(p->value->size()), 0.0);
    second_.emplace_back(options_.kind == OptimizerKind::sgd ? 0 : p->value->size(), 0.0);
  }
}

void Optimizer::step(double rate) {
  ++steps_;
  const double lambda = options_.weight_decay;
  const double correction1 = 1.0 - std::pow(options_.beta1, static_cast<double>(steps_));
  const double correction2 = 1.0 - std::pow(options_.beta2, static_cast<double>(steps_));
  for (std::size_t k = 0; k < parameters_.size(); ++k) {
    Parameter& p = *parameters_[k];
    if (p.frozen) continue;
    float* w = p.value->data();
    const float* g = p.grad.data();
    std::vector<double>& m = first_[k];
    const double decay = p.decay ? lambda : 0.0;
    for (std::size_t i = 0; i < m.size(); ++i) {
      double weight = w[i];
      double gradient = g[i];
      switch (options_.kind) {
        case OptimizerKind::sgd: {
          gradient += decay * weight;
          m[i] = options_.momentum * m[i] + gradient;
          weight -= rate * (options_.nesterov ? gradient + options_.momentum * m[i] : m[i]);
          break;
        }
        case OptimizerKind::adam:
        case OptimizerKind::adamw: {
          if (options_.kind == OptimizerKind::adam) {
            gradient += decay * weight;
          } else {
            weight -= rate * decay * weight;
          }
          std::vector<double>& v = second_[k];
          m[i] = options_.beta1 * m[i] + (1.0 - options_.beta1) * gradient;
          v[i] = options_.beta2 * v[i] + (1.0 - options_.beta2) * gradient * gradient;
          weight -=
              rate * (m[i] / correction1) / (std::sqrt(v[i] / correction2) + options_.epsilon);
          break;
        }
      }
      w[i] = static_cast<float>(weight);
    }
  }
}

}  // namespace mirkit::nn::train
