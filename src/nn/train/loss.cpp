// Softmax cross-entropy (optionally class-weighted), focal loss (Lin et al. 2017) and sigmoid
// binary cross-entropy, with their gradients in closed form:
//   cross-entropy  −Σ_c w_c t_c log p_c            → ∂/∂z_k = (Σ_c w_c t_c) p_k − w_k t_k
//   focal          −Σ_c w_c t_c (1 − p_c)^γ log p_c → ∂/∂z_k = p_k (g_k − Σ_c g_c p_c),
//                  g_c = ∂/∂p_c = w_c t_c (γ (1 − p_c)^(γ−1) log p_c − (1 − p_c)^γ / p_c)
//   binary CE      Σ_c w_c (softplus(z_c) − t_c z_c) → ∂/∂z_c = w_c (σ(z_c) − t_c)
// all in double, from log-softmax / softplus forms that stay finite for any logit.
#include "loss.hpp"

#include <cmath>

#include "mirkit/core/error.hpp"

namespace mirkit::nn::train {
namespace {

double weight_of(const LossOptions& options, int c) {
  return options.class_weights.size() ? options.class_weights[c] : 1.0;
}

std::vector<std::pair<int, int>> groups_of(const LossOptions& options, int classes) {
  if (!options.groups.empty()) return options.groups;
  return {{0, classes}};
}

double softplus(double z) {
  return z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z));
}

double sigmoid(double z) {
  return 1.0 / (1.0 + std::exp(-z));
}

// log Σ_c exp(z_c / T) over [begin, end), from the largest term so that it stays finite.
double log_sum_exp(const float* z, int begin, int end, double temperature) {
  double top = z[begin] / temperature;
  for (int c = begin; c < end; ++c)
    top = std::max(top, z[c] / temperature);
  double sum = 0.0;
  for (int c = begin; c < end; ++c)
    sum += std::exp(z[c] / temperature - top);
  return top + std::log(sum);
}

}  // namespace

LossKind parse_loss(const std::string& name) {
  if (name == "cross_entropy") return LossKind::cross_entropy;
  if (name == "focal") return LossKind::focal;
  if (name == "binary_cross_entropy") return LossKind::binary_cross_entropy;
  throw usage_error("unknown loss '" + name +
                    "'; choose cross_entropy, focal or binary_cross_entropy");
}

double item_weight(const LossOptions& options, const float* target, int classes) {
  if (options.kind == LossKind::binary_cross_entropy) {
    double sum = 0.0;
    for (int c = 0; c < classes; ++c)
      sum += weight_of(options, c);
    return sum;
  }
  double sum = 0.0;
  for (int c = 0; c < classes; ++c)
    sum += weight_of(options, c) * target[c];
  return sum;
}

double loss_and_gradient(const LossOptions& options, const ConstMatrixMap& logits,
                         const ConstMatrixMap& targets, Matrix& grad) {
  const auto classes = static_cast<int>(logits.cols());
  grad.resize(logits.rows(), logits.cols());
  double total = 0.0;
  for (Eigen::Index i = 0; i < logits.rows(); ++i) {
    const float* z = logits.row(i).data();
    const float* t = targets.row(i).data();
    float* g = grad.row(i).data();
    if (options.kind == LossKind::binary_cross_entropy) {
      for (int c = 0; c < classes; ++c) {
        const double w = weight_of(options, c);
        total += w * (softplus(z[c]) - t[c] * static_cast<double>(z[c]));
        g[c] = static_cast<float>(w * (sigmoid(z[c]) - t[c]));
      }
      continue;
    }
    for (const auto& [begin, end] : groups_of(options, classes)) {
      const double log_sum = log_sum_exp(z, begin, end, 1.0);
      if (options.kind == LossKind::cross_entropy) {
        double mass = 0.0;
        for (int c = begin; c < end; ++c) {
          const double wt = weight_of(options, c) * t[c];
          total -= wt * (z[c] - log_sum);
          mass += wt;
        }
        for (int c = begin; c < end; ++c) {
          const double p = std::exp(z[c] - log_sum);
          g[c] = static_cast<float>(mass * p - weight_of(options, c) * t[c]);
        }
        continue;
      }
      // Focal: g_c p_c is finite as p_c → 0, so the sum is formed from those products.
      const double gamma = options.focal_gamma;
      double weighted = 0.0;
      std::vector<double> gp(static_cast<std::size_t>(end - begin));
      for (int c = begin; c < end; ++c) {
        const double log_p = z[c] - log_sum;
        const double p = std::exp(log_p);
        const double wt = weight_of(options, c) * t[c];
        const double q = 1.0 - p;
        total -= wt * std::pow(q, gamma) * log_p;
        const double product =
            wt *
            ((gamma > 0 ? gamma * std::pow(q, gamma - 1) * p * log_p : 0.0) - std::pow(q, gamma));
        gp[static_cast<std::size_t>(c - begin)] = product;
        weighted += product;
      }
      for (int c = begin; c < end; ++c) {
        const double p = std::exp(z[c] - log_sum);
        g[c] = static_cast<float>(gp[static_cast<std::size_t>(c - begin)] - p * weighted);
      }
    }
  }
  return total;
}

double distillation_loss_and_gradient(const LossOptions& options, const ConstMatrixMap& logits,
                                      const ConstMatrixMap& teacher_logits, double temperature,
                                      Matrix& grad) {
  const auto classes = static_cast<int>(logits.cols());
  const double T = temperature;
  grad.resize(logits.rows(), logits.cols());
  double total = 0.0;
  for (Eigen::Index i = 0; i < logits.rows(); ++i) {
    const float* z = logits.row(i).data();
    const float* t = teacher_logits.row(i).data();
    float* g = grad.row(i).data();
    if (options.kind == LossKind::binary_cross_entropy) {
      // KL(Bernoulli(p) ‖ Bernoulli(q)) = softplus(u) − p·u − H(p), u = z/T, q = σ(u).
      for (int c = 0; c < classes; ++c) {
        const double u = z[c] / T, v = t[c] / T, p = sigmoid(v);
        const double entropy = softplus(v) - p * v;  // −p log p − (1−p) log(1−p)
        total += T * T * (softplus(u) - p * u - entropy);
        g[c] = static_cast<float>(T * (sigmoid(u) - p));
      }
      continue;
    }
    for (const auto& [begin, end] : groups_of(options, classes)) {
      const double student = log_sum_exp(z, begin, end, T);
      const double teacher = log_sum_exp(t, begin, end, T);
      for (int c = begin; c < end; ++c) {
        const double log_q = z[c] / T - student, log_p = t[c] / T - teacher;
        const double p = std::exp(log_p);
        total += T * T * p * (log_p - log_q);
        g[c] = static_cast<float>(T * (std::exp(log_q) - p));
      }
    }
  }
  return total;
}

}  // namespace mirkit::nn::train
