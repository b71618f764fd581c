#include "mirkit/models/gmm_classifier.hpp"

#include <limits>

#include "../core/random.hpp"
#include "definitions.hpp"
#include "generative.hpp"
#include "mirkit/core/error.hpp"
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

GaussianMixtureOptions mixture_options(const Json& p) {
  GaussianMixtureOptions o;
  o.components = p.at("components").get<int>();
  o.covariance = parse_covariance(p.at("covariance").get<std::string>());
  o.max_iterations = p.at("max_iterations").get<int>();
  o.tolerance = p.at("tolerance").get<double>();
  o.reg_covar = p.at("reg_covar").get<double>();
  return o;
}

ParamSchema mixture_schema(int components) {
  return ParamSchema{
      {"components", ParamType::integer, components, "Gaussians per class", 1, 1024},
      {"covariance",
       ParamType::string,
       "diag",
       "covariance of each Gaussian",
       {},
       {},
       {"diag", "full"}},
      {"max_iterations", ParamType::integer, 100, "most EM iterations", 1, 100000},
      {"tolerance", ParamType::number, 1e-3, "stop when the mean log-likelihood gains less", 0, 1},
      {"reg_covar", ParamType::number, 1e-6,
       "added to every variance, keeps collapsed components invertible", 0, 1e6},
  };
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
  d.params = mixture_schema(2);
  d.create = [](const Json& p) -> std::unique_ptr<Classifier> {
    return std::make_unique<GmmClassifier>(mixture_options(p));
  };
  return d;
}

ClassifierDefinition gmm_frames_definition() {
  ClassifierDefinition d;
  d.name = "gmm_frames";
  d.description =
      "one Gaussian mixture per class over frames; an item scores the sum of its frames";
  d.input = InputKind::frames;
  d.params = mixture_schema(8);
  d.create_sequence = [](const Json& p) -> std::unique_ptr<SequenceClassifier> {
    return std::make_unique<GmmSequenceClassifier>(mixture_options(p));
  };
  return d;
}

}  // namespace mirkit::models
