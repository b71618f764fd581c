#include "mirkit/models/hmm_classifier.hpp"

#include <limits>

#include "../core/random.hpp"
#include "generative.hpp"
#include "mirkit/core/error.hpp"
#include "mirkit/core/schema.hpp"
#include "mirkit/models/registry.hpp"
#include "parallel.hpp"

namespace mirkit::models {
namespace {
constexpr double kNegInf = -std::numeric_limits<double>::infinity();
}

HmmClassifier::HmmClassifier(HmmOptions options) : options_(std::move(options)) {
  GaussianHmm check(options_);  // rejects bad options before training
}

void HmmClassifier::fit(const SequenceView& x, std::span<const int> labels, int classes,
                        const FitOptions& fit_options) {
  check_sequences(x);
  check_training_data("hmm", static_cast<std::int64_t>(x.items()), labels, classes);
  std::vector<std::vector<dsp::MatrixD>> by_class(static_cast<std::size_t>(classes));
  for (std::size_t i = 0; i < x.items(); ++i)
    by_class[static_cast<std::size_t>(labels[i])].push_back(x.item(i).cast<double>());
  models_.assign(static_cast<std::size_t>(classes), GaussianHmm(options_));
  log_priors_ = log_class_priors(labels, classes);
  parallel_for(classes, fit_options.threads, [&](int c) {
    if (log_priors_[c] == kNegInf) return;
    models_[static_cast<std::size_t>(c)].fit(
        by_class[static_cast<std::size_t>(c)],
        derive_seed(fit_options.seed, static_cast<std::uint64_t>(c)));
  });
}

dsp::Matrix HmmClassifier::predict_proba(const SequenceView& x) const {
  if (models_.empty()) throw usage_error("hmm: not trained");
  check_sequences(x);
  dsp::MatrixD joint(static_cast<Eigen::Index>(x.items()), log_priors_.size());
  for (std::size_t i = 0; i < x.items(); ++i) {
    const dsp::MatrixD frames = x.item(i).cast<double>();
    for (Eigen::Index c = 0; c < log_priors_.size(); ++c) {
      joint(static_cast<Eigen::Index>(i), c) =
          log_priors_[c] == kNegInf
              ? kNegInf
              : log_priors_[c] + models_[static_cast<std::size_t>(c)].log_likelihood(frames);
    }
  }
  return posterior(joint);
}

Json HmmClassifier::training_report() const {
  Json classes = Json::array();
  for (const GaussianHmm& m : models_)
    classes.push_back({{"iterations", m.iterations()}});
  return {{"classes", classes}};
}

void HmmClassifier::save(ModelState& state) const {
  state.values["classes"] = models_.size();
  state.values["report"] = training_report();
  save_priors(state, log_priors_);
  for (std::size_t c = 0; c < models_.size(); ++c) {
    if (log_priors_[static_cast<Eigen::Index>(c)] == kNegInf) continue;
    ModelState child;
    models_[c].save(child);
    put_child(state, "class" + std::to_string(c), child);
  }
}

void HmmClassifier::load(const ModelState& state) {
  const int classes = read_value<int>(state, "classes");
  log_priors_ = load_priors(state);
  if (classes < 1 || log_priors_.size() != classes) {
    throw state_error("tensor 'log_priors' does not match the classes");
  }
  models_.assign(static_cast<std::size_t>(classes), GaussianHmm(options_));
  for (int c = 0; c < classes; ++c) {
    if (log_priors_[c] == kNegInf) continue;
    models_[static_cast<std::size_t>(c)].load(get_child(state, "class" + std::to_string(c)));
  }
}

const Schema<HmmOptions>& hmm_schema() {
  static const Schema<HmmOptions> schema =
      Schema<HmmOptions>()
          .field("states", &HmmOptions::states, "hidden states per class", {.min = 1, .max = 64})
          .field("mixtures", &HmmOptions::mixtures, "Gaussians per state (1: a Gaussian HMM)",
                 {.min = 1, .max = 64})
          .field("covariance", &HmmOptions::covariance, "covariance of each Gaussian",
                 kCovarianceNames)
          .field("topology", &HmmOptions::topology, "allowed transitions",
                 {"ergodic", "left_to_right"})
          .field("max_iterations", &HmmOptions::max_iterations, "most Baum–Welch iterations",
                 {.min = 1, .max = 10000})
          .field("tolerance", &HmmOptions::tolerance,
                 "stop when the mean log-likelihood per frame gains less", {.min = 0, .max = 1})
          .field("reg_covar", &HmmOptions::reg_covar, "added to every variance",
                 {.min = 0, .max = 1e6});
  return schema;
}

ClassifierDefinition hmm_definition() {
  ClassifierDefinition d;
  d.name = "hmm";
  d.description = "one hidden Markov model per class over frames (Baum–Welch, forward scoring)";
  d.input = InputKind::frames;
  d.params = hmm_schema().declaration();
  d.create_sequence = [](const Json& p) -> std::unique_ptr<SequenceClassifier> {
    return std::make_unique<HmmClassifier>(hmm_schema().from_resolved(p));
  };
  return d;
}

}  // namespace mirkit::models
