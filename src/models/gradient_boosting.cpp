#include "mirkit/models/gradient_boosting.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "../core/random.hpp"
#include "gradient_tree.hpp"
#include "mirkit/core/error.hpp"
#include "mirkit/core/schema.hpp"
#include "mirkit/models/cross_validation.hpp"
#include "mirkit/models/registry.hpp"
#include "parallel.hpp"
#include "softmax.hpp"
#include "tree_ensemble.hpp"

namespace mirkit::models {

// Tree r·K + k is round r's tree for class k.
struct GradientBoosting::Trees {
  TreeEnsemble ensemble;
};

GradientBoosting::GradientBoosting(GradientBoostingOptions options)
    : options_(options), trees_(std::make_unique<Trees>()) {
  if (options_.max_bins < 2 || options_.max_bins > 256) {
    throw usage_error("gradient boosting: max_bins must be in [2, 256]");
  }
}

GradientBoosting::~GradientBoosting() = default;

namespace {

double mean_log_loss(const dsp::MatrixD& scores, std::span<const int> labels) {
  double loss = 0;
  for (Eigen::Index i = 0; i < scores.rows(); ++i) {
    const double lse = log_sum_exp(scores.row(i));
    loss += lse - scores(i, labels[static_cast<std::size_t>(i)]);
  }
  return loss / static_cast<double>(scores.rows());
}

void add_round(const TreeEnsemble& ensemble, std::size_t round, int classes, const dsp::Matrix& x,
               dsp::MatrixD& scores) {
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    for (int k = 0; k < classes; ++k) {
      scores(i, k) +=
          *ensemble.leaf(round * static_cast<std::size_t>(classes) + k, x.row(i).data());
    }
  }
}

// The items trained on and those held out for early stopping (none without it).
Split training_split(std::span<const int> labels, const GradientBoostingOptions& options,
                     std::uint64_t seed) {
  Split split;
  if (options.validation_fraction > 0 && options.patience > 0)
    split = stratified_split(labels, options.validation_fraction, derive_seed(seed, 0x5eed));
  if (split.validation.empty()) {
    split.train.resize(labels.size());
    for (std::size_t i = 0; i < split.train.size(); ++i)
      split.train[i] = static_cast<int>(i);
  }
  return split;
}

std::vector<double> item_weights(const std::vector<int>& labels,
                                 const std::vector<double>& class_weights) {
  std::vector<double> weight(labels.size(), 1.0);
  if (!class_weights.empty()) {
    for (std::size_t i = 0; i < labels.size(); ++i)
      weight[i] = class_weights[static_cast<std::size_t>(labels[i])];
  }
  return weight;
}

// The (weighted) log priors: the best constant model under the softmax loss.
std::vector<double> log_priors(const std::vector<int>& labels, const std::vector<double>& weight,
                               int classes) {
  std::vector<double> priors(static_cast<std::size_t>(classes), 0.0);
  double total = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    priors[static_cast<std::size_t>(labels[i])] += weight[i];
    total += weight[i];
  }
  for (double& v : priors)
    v = std::log(std::max(v / total, 1e-12));
  return priors;
}

// The rows a round's trees grow on: all, or a sorted random `subsample` of them.
std::vector<int> round_rows(std::size_t n, double subsample, std::uint64_t seed, int round) {
  std::vector<int> rows(n);
  for (std::size_t i = 0; i < n; ++i)
    rows[i] = static_cast<int>(i);
  if (subsample < 1) {
    Random random(derive_seed(seed, static_cast<std::uint64_t>(round)));
    random.shuffle(rows);
    rows.resize(
        std::max<std::size_t>(1, static_cast<std::size_t>(subsample * static_cast<double>(n))));
    std::sort(rows.begin(), rows.end());
  }
  return rows;
}

// The softmax loss's first and second derivatives per class and item, weighted.
void softmax_derivatives(const dsp::MatrixD& scores, const std::vector<int>& labels,
                         const std::vector<double>& weight,
                         std::vector<std::vector<double>>& gradients,
                         std::vector<std::vector<double>>& hessians) {
  const auto classes = static_cast<int>(gradients.size());
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const Eigen::RowVectorXd p = softmax(scores.row(static_cast<Eigen::Index>(i)));
    for (int k = 0; k < classes; ++k) {
      const double y = labels[i] == k ? 1.0 : 0.0;
      const auto kk = static_cast<std::size_t>(k);
      gradients[kk][i] = weight[i] * (p[k] - y);
      hessians[kk][i] = weight[i] * std::max(p[k] * (1 - p[k]), 1e-16);
    }
  }
}

double accuracy(const dsp::MatrixD& scores, const std::vector<int>& labels) {
  std::size_t correct = 0;
  for (Eigen::Index i = 0; i < scores.rows(); ++i) {
    Eigen::Index best = 0;
    scores.row(i).maxCoeff(&best);
    correct += best == labels[static_cast<std::size_t>(i)];
  }
  return static_cast<double>(correct) / static_cast<double>(scores.rows());
}

// Each feature's share of the split gain of the first `keep` rounds (XGBoost's total_gain).
std::vector<double> gain_importances(
    const std::vector<std::vector<std::vector<double>>>& round_gains, std::size_t keep, int dims) {
  std::vector<double> importance(static_cast<std::size_t>(dims), 0.0);
  for (std::size_t r = 0; r < keep && r < round_gains.size(); ++r) {
    for (const std::vector<double>& gains : round_gains[r]) {
      for (std::size_t f = 0; f < gains.size(); ++f)
        importance[f] += gains[f];
    }
  }
  const double total_gain = std::accumulate(importance.begin(), importance.end(), 0.0);
  if (total_gain > 0) {
    for (double& v : importance)
      v /= total_gain;
  }
  return importance;
}

}  // namespace

void GradientBoosting::fit(const dsp::Matrix& x, std::span<const int> all_labels, int classes,
                           const FitOptions& fit_options) {
  check_training_data("gradient boosting", x.rows(), all_labels, classes);
  classes_ = classes;
  dims_ = static_cast<int>(x.cols());

  const Split split = training_split(all_labels, options_, fit_options.seed);
  const dsp::Matrix train_x = take_rows(x, split.train);
  const std::vector<int> labels = take(all_labels, split.train);
  const dsp::Matrix valid_x = take_rows(x, split.validation);
  const std::vector<int> valid_labels = take(all_labels, split.validation);
  const auto n = static_cast<std::size_t>(train_x.rows());

  const std::vector<double> weight = item_weights(labels, fit_options.class_weights);
  initial_ = log_priors(labels, weight, classes);

  const FeatureBins bins = FeatureBins::build(train_x, options_.max_bins);
  GradientTreeGrowth growth;
  growth.max_depth = options_.max_depth;
  growth.min_samples_leaf = options_.min_samples_leaf;
  growth.l2 = options_.l2;
  growth.shrinkage = options_.learning_rate;

  const Eigen::Map<const Eigen::RowVectorXd> start(initial_.data(), classes);
  dsp::MatrixD train_scores = start.replicate(static_cast<Eigen::Index>(n), 1);
  dsp::MatrixD valid_scores = start.replicate(valid_x.rows(), 1);
  trees_->ensemble = TreeEnsemble(dims_, 1);
  std::vector<Tree> round_trees(static_cast<std::size_t>(classes));
  std::vector<std::vector<double>> gradients(round_trees.size(), std::vector<double>(n));
  std::vector<std::vector<double>> hessians(round_trees.size(), std::vector<double>(n));
  double best_loss = std::numeric_limits<double>::infinity();
  int best_rounds = 0, since_best = 0;
  // Learning curves, one entry per grown round (mirkit train --plot-curves draws them).
  std::vector<double> training_curve, validation_curve, validation_accuracy;
  // Split gains per round, class and feature: the importances of the rounds finally kept.
  std::vector<std::vector<std::vector<double>>> round_gains;

  for (int round = 0; round < options_.rounds; ++round) {
    const std::vector<int> rows = round_rows(n, options_.subsample, fit_options.seed, round);
    softmax_derivatives(train_scores, labels, weight, gradients, hessians);
    // One gain vector per class tree, so the parallel growths never share one.
    round_gains.emplace_back(round_trees.size(),
                             std::vector<double>(static_cast<std::size_t>(dims_)));
    parallel_for(classes, fit_options.threads, [&](int k) {
      const auto kk = static_cast<std::size_t>(k);
      round_trees[kk] = grow_gradient_tree(bins, rows, gradients[kk], hessians[kk], growth,
                                           &round_gains.back()[kk]);
    });
    for (const Tree& tree : round_trees)
      trees_->ensemble.append(tree);
    add_round(trees_->ensemble, static_cast<std::size_t>(round), classes, train_x, train_scores);
    training_curve.push_back(mean_log_loss(train_scores, labels));
    if (valid_x.rows() == 0) continue;
    add_round(trees_->ensemble, static_cast<std::size_t>(round), classes, valid_x, valid_scores);
    const double loss = mean_log_loss(valid_scores, valid_labels);
    validation_curve.push_back(loss);
    validation_accuracy.push_back(accuracy(valid_scores, valid_labels));
    if (loss < best_loss - 1e-12) {
      best_loss = loss;
      best_rounds = round + 1;
      since_best = 0;
    } else if (++since_best >= options_.patience) {
      break;
    }
  }
  const std::size_t grown_rounds = trees_->ensemble.trees() / static_cast<std::size_t>(classes);
  const std::size_t keep = valid_x.rows() ? static_cast<std::size_t>(best_rounds) : grown_rounds;
  if (keep < grown_rounds) {
    trees_->ensemble.truncate(keep * static_cast<std::size_t>(classes));
  }
  report_ = Json::object();
  report_["rounds"] = keep;
  report_["rounds_grown"] = grown_rounds;
  report_["validation_items"] = valid_x.rows();
  report_["best_validation_log_loss"] = nullptr;
  if (valid_x.rows()) report_["best_validation_log_loss"] = best_loss;
  report_["feature_importances"] = gain_importances(round_gains, keep, dims_);
  report_["curves"] = {{"training_log_loss", training_curve},
                       {"validation_log_loss", validation_curve},
                       {"validation_accuracy", validation_accuracy}};
}

dsp::MatrixD GradientBoosting::scores(const dsp::Matrix& x, std::size_t rounds) const {
  const Eigen::Map<const Eigen::RowVectorXd> start(initial_.data(), classes_);
  dsp::MatrixD s = start.replicate(x.rows(), 1);
  for (std::size_t r = 0; r < rounds; ++r)
    add_round(trees_->ensemble, r, classes_, x, s);
  return s;
}

dsp::Matrix GradientBoosting::predict_proba(const dsp::Matrix& x) const {
  if (initial_.empty()) throw usage_error("gradient boosting: not trained");
  if (x.cols() != dims_) {
    throw usage_error("gradient boosting: " + std::to_string(x.cols()) +
                      " dimensions, trained on " + std::to_string(dims_));
  }
  const dsp::MatrixD s = scores(x, trees_->ensemble.trees() / static_cast<std::size_t>(classes_));
  dsp::Matrix out(x.rows(), classes_);
  for (Eigen::Index i = 0; i < x.rows(); ++i)
    out.row(i) = softmax(s.row(i)).cast<float>();
  return out;
}

void GradientBoosting::save(ModelState& state) const {
  state.values["classes"] = classes_;
  state.values["dims"] = dims_;
  state.values["report"] = report_;
  put_vector(state, "initial_scores", initial_);
  trees_->ensemble.save(state, "trees.");
}

void GradientBoosting::load(const ModelState& state) {
  classes_ = read_value<int>(state, "classes");
  dims_ = read_value<int>(state, "dims");
  if (classes_ < 1 || dims_ < 1) throw state_error("gradient boosting: bad classes or dims");
  report_ = read_value<Json>(state, "report");
  initial_ = get_vector(state, "initial_scores", classes_);
  trees_->ensemble.load(state, "trees.", dims_, 1);
  if (trees_->ensemble.trees() % static_cast<std::size_t>(classes_) != 0) {
    throw state_error("tensor 'trees.tree_offsets': tree count is not a multiple of the classes");
  }
}

const Schema<GradientBoostingOptions>& gradient_boosting_schema() {
  using O = GradientBoostingOptions;
  static const Schema<O> schema =
      Schema<O>()
          .field("rounds", &O::rounds, "most boosting rounds (one tree per class each)",
                 {.min = 1, .max = 100000})
          .field("learning_rate", &O::learning_rate, "shrinkage of every tree",
                 {.min = 1e-6, .max = 1})
          .field("max_depth", &O::max_depth, "deepest level of a tree", {.min = 1, .max = 64})
          .field("min_samples_leaf", &O::min_samples_leaf, "fewest training items in a leaf",
                 {.min = 1, .max = 1000000})
          .field("l2", &O::l2, "L2 penalty λ on leaf values", {.min = 0, .max = 1e6})
          .field("subsample", &O::subsample, "fraction of rows drawn per round",
                 {.min = 0.01, .max = 1})
          .field("max_bins", &O::max_bins, "histogram bins per feature", {.min = 2, .max = 256})
          .field("validation_fraction", &O::validation_fraction,
                 "stratified hold-out for early stopping (0: off)", {.min = 0, .max = 0.9})
          .field("patience", &O::patience, "rounds without validation improvement before stopping",
                 {.min = 1, .max = 100000});
  return schema;
}

ClassifierDefinition gradient_boosting_definition() {
  ClassifierDefinition d;
  d.name = "gradient_boosting";
  d.description =
      "gradient-boosted trees, softmax loss, Newton leaf values (Friedman 2001; XGBoost)";
  d.supports_class_weights = true;
  d.records_learning_curves = true;  // log loss and accuracy per round
  d.importance_measure = "share of the split gain (XGBoost's total_gain)";
  d.params = gradient_boosting_schema().declaration();
  d.create = [](const Json& p) -> std::unique_ptr<Classifier> {
    return std::make_unique<GradientBoosting>(gradient_boosting_schema().from_resolved(p));
  };
  return d;
}

}  // namespace mirkit::models
