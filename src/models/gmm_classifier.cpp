#include "mirkit/models/gmm_classifier.hpp"

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

// One mixture per class from the rows labelled with it (row labels), in parallel.
std::vector<GaussianMixture> fit_class_mixtures(const dsp::MatrixD& x,
                                                std::span<const int> row_labels, int classes,
                                                const GaussianMixtureOptions& options,
                                                const FitOptions& fit_options) {
  std::vector<std::vector<int>> rows(static_cast<std::size_t>(classes));
  for (std::size_t i = 0; i < row_labels.size(); ++i)
    rows[static_cast<std::size_t>(row_labels[i])].push_back(static_cast<int>(i));
  std::vector<GaussianMixture> mixtures(static_cast<std::size_t>(classes),
                                        GaussianMixture(options));
  parallel_for(classes, fit_options.threads, [&](int c) {
    const std::vector<int>& own = rows[static_cast<std::size_t>(c)];
    if (own.empty()) return;
    dsp::MatrixD data(static_cast<Eigen::Index>(own.size()), x.cols());
    for (std::size_t r = 0; r < own.size(); ++r)
      data.row(static_cast<Eigen::Index>(r)) = x.row(own[r]);
    mixtures[static_cast<std::size_t>(c)].fit(
        data, derive_seed(fit_options.seed, static_cast<std::uint64_t>(c)));
  });
  return mixtures;
}

// rows × classes log p(x | c) (−inf for a class without a mixture).
dsp::MatrixD class_log_likelihoods(const std::vector<GaussianMixture>& mixtures,
                                   const dsp::MatrixD& x) {
  dsp::MatrixD out(x.rows(), static_cast<Eigen::Index>(mixtures.size()));
  for (std::size_t c = 0; c < mixtures.size(); ++c) {
    const auto col = static_cast<Eigen::Index>(c);
    if (mixtures[c].components() == 0) {
      out.col(col).setConstant(kNegInf);
    } else {
      out.col(col) = mixtures[c].log_likelihood(x);
    }
  }
  return out;
}

Json mixtures_report(const std::vector<GaussianMixture>& mixtures) {
  Json classes = Json::array();
  for (const GaussianMixture& m : mixtures) {
    classes.push_back({{"components", m.components()},
                       {"iterations", m.iterations()},
                       {"converged", m.converged()}});
  }
  return {{"classes", classes}};
}

void save_mixtures(ModelState& state, const std::vector<GaussianMixture>& mixtures,
                   const Eigen::VectorXd& log_priors) {
  state.values["classes"] = mixtures.size();
  state.values["report"] = mixtures_report(mixtures);
  save_priors(state, log_priors);
  for (std::size_t c = 0; c < mixtures.size(); ++c) {
    if (mixtures[c].components() == 0) continue;
    ModelState child;
    mixtures[c].save(child);
    put_child(state, "class" + std::to_string(c), child);
  }
}

void load_mixtures(const ModelState& state, std::vector<GaussianMixture>& mixtures,
                   Eigen::VectorXd& log_priors, const GaussianMixtureOptions& options) {
  const int classes = read_value<int>(state, "classes");
  if (classes < 1) throw state_error("gmm: no classes");
  log_priors = load_priors(state);
  if (log_priors.size() != classes) throw state_error("tensor 'log_priors' has the wrong size");
  mixtures.assign(static_cast<std::size_t>(classes), GaussianMixture(options));
  int dims = -1;
  for (int c = 0; c < classes; ++c) {
    if (log_priors[c] == kNegInf) continue;  // absent from training: no mixture
    mixtures[static_cast<std::size_t>(c)].load(get_child(state, "class" + std::to_string(c)));
    const int d = mixtures[static_cast<std::size_t>(c)].dims();
    if (dims >= 0 && d != dims) throw state_error("gmm: class mixtures differ in dimensions");
    dims = d;
  }
}

// One options struct for both definitions; only the default number of components differs.
Schema<GaussianMixtureOptions> mixture_schema(int components) {
  using O = GaussianMixtureOptions;
  O defaults;
  defaults.components = components;
  Schema<O> schema(defaults);
  schema.field("components", &O::components, "Gaussians per class", {.min = 1, .max = 1024})
      .field("covariance", &O::covariance, "covariance of each Gaussian", kCovarianceNames)
      .field("max_iterations", &O::max_iterations, "most EM iterations", {.min = 1, .max = 100000})
      .field("tolerance", &O::tolerance, "stop when the mean log-likelihood gains less",
             {.min = 0, .max = 1})
      .field("reg_covar", &O::reg_covar,
             "added to every variance, keeps collapsed components invertible",
             {.min = 0, .max = 1e6});
  return schema;
}

}  // namespace

GmmClassifier::GmmClassifier(GaussianMixtureOptions options) : options_(options) {}

void GmmClassifier::fit(const dsp::Matrix& x, std::span<const int> labels, int classes,
                        const FitOptions& fit_options) {
  check_training_data("gmm", x.rows(), labels, classes);
  mixtures_ = fit_class_mixtures(x.cast<double>(), labels, classes, options_, fit_options);
  log_priors_ = log_class_priors(labels, classes);
}

dsp::MatrixD GmmClassifier::joint_log_likelihood(const dsp::MatrixD& x) const {
  if (mixtures_.empty()) throw usage_error("gmm: not trained");
  return class_log_likelihoods(mixtures_, x).rowwise() + log_priors_.transpose();
}

dsp::Matrix GmmClassifier::predict_proba(const dsp::Matrix& x) const {
  return posterior(joint_log_likelihood(x.cast<double>()));
}

Json GmmClassifier::training_report() const {
  return mixtures_report(mixtures_);
}

void GmmClassifier::save(ModelState& state) const {
  save_mixtures(state, mixtures_, log_priors_);
}

void GmmClassifier::load(const ModelState& state) {
  load_mixtures(state, mixtures_, log_priors_, options_);
}

GmmSequenceClassifier::GmmSequenceClassifier(GaussianMixtureOptions options) : options_(options) {}

void GmmSequenceClassifier::fit(const SequenceView& x, std::span<const int> labels, int classes,
                                const FitOptions& fit_options) {
  check_sequences(x);
  check_training_data("gmm over frames", static_cast<std::int64_t>(x.items()), labels, classes);
  std::vector<int> frame_labels(static_cast<std::size_t>(x.frames.rows()));
  for (std::size_t i = 0; i < x.items(); ++i)
    for (std::int64_t f = x.offsets[i]; f < x.offsets[i + 1]; ++f)
      frame_labels[static_cast<std::size_t>(f)] = labels[i];
  mixtures_ =
      fit_class_mixtures(x.frames.cast<double>(), frame_labels, classes, options_, fit_options);
  log_priors_ = log_class_priors(labels, classes);
}

dsp::Matrix GmmSequenceClassifier::predict_proba(const SequenceView& x) const {
  if (mixtures_.empty()) throw usage_error("gmm over frames: not trained");
  check_sequences(x);
  const dsp::MatrixD frame_scores = class_log_likelihoods(mixtures_, x.frames.cast<double>());
  dsp::MatrixD joint(static_cast<Eigen::Index>(x.items()), frame_scores.cols());
  for (std::size_t i = 0; i < x.items(); ++i) {
    const Eigen::Index begin = x.offsets[i], count = x.offsets[i + 1] - begin;
    joint.row(static_cast<Eigen::Index>(i)) =
        frame_scores.middleRows(begin, count).colwise().sum() + log_priors_.transpose();
  }
  return posterior(joint);
}

Json GmmSequenceClassifier::training_report() const {
  return mixtures_report(mixtures_);
}

void GmmSequenceClassifier::save(ModelState& state) const {
  save_mixtures(state, mixtures_, log_priors_);
}

void GmmSequenceClassifier::load(const ModelState& state) {
  load_mixtures(state, mixtures_, log_priors_, options_);
}

ClassifierDefinition gmm_definition() {
  ClassifierDefinition d;
  d.name = "gmm";
  d.description = "one Gaussian mixture per class over pooled vectors (EM, k-means++ start)";
  const Schema<GaussianMixtureOptions> schema = mixture_schema(2);
  d.params = schema.declaration();
  d.create = [schema](const Json& p) -> std::unique_ptr<Classifier> {
    return std::make_unique<GmmClassifier>(schema.from_resolved(p));
  };
  return d;
}

ClassifierDefinition gmm_frames_definition() {
  ClassifierDefinition d;
  d.name = "gmm_frames";
  d.description =
      "one Gaussian mixture per class over frames; an item scores the sum of its frames";
  d.input = InputKind::frames;
  const Schema<GaussianMixtureOptions> schema = mixture_schema(8);
  d.params = schema.declaration();
  d.create_sequence = [schema](const Json& p) -> std::unique_ptr<SequenceClassifier> {
    return std::make_unique<GmmSequenceClassifier>(schema.from_resolved(p));
  };
  return d;
}

}  // namespace mirkit::models
