#include "generative.hpp"

#include <cmath>

#include "softmax.hpp"

namespace mirkit::models {

Eigen::VectorXd log_class_priors(std::span<const int> labels, int classes) {
  Eigen::VectorXd counts = Eigen::VectorXd::Zero(classes);
  for (const int label : labels)
    counts[label] += 1;
  // A class absent from training gets probability 0 (log −inf): it is never predicted.
  return (counts / static_cast<double>(labels.size())).array().log();
}

dsp::Matrix posterior(const dsp::MatrixD& joint) {
  dsp::Matrix out(joint.rows(), joint.cols());
  for (Eigen::Index i = 0; i < joint.rows(); ++i)
    out.row(i) = softmax(joint.row(i)).cast<float>();
  return out;
}

void save_priors(ModelState& state, const Eigen::VectorXd& log_priors) {
  put_vector(
      state, "log_priors",
      std::span<const double>(log_priors.data(), static_cast<std::size_t>(log_priors.size())));
}

Eigen::VectorXd load_priors(const ModelState& state) {
  const std::vector<double> priors = get_vector(state, "log_priors");
  if (priors.empty()) throw state_error("tensor 'log_priors' is empty");
  return Eigen::Map<const Eigen::VectorXd>(priors.data(), static_cast<Eigen::Index>(priors.size()));
}

}  // namespace mirkit::models
