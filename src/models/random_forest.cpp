#include "mirkit/models/random_forest.hpp"

#include <cmath>
#include <cstdlib>

#include "../core/random.hpp"
#include "classification_tree.hpp"
#include "mirkit/core/error.hpp"
#include "mirkit/core/schema.hpp"
#include "mirkit/models/registry.hpp"
#include "parallel.hpp"
#include "tree_ensemble.hpp"

namespace mirkit::models {

struct RandomForest::Trees {
  TreeEnsemble ensemble;
};

int resolve_max_features(const std::string& setting, int dims) {
  int count = 0;
  if (setting == "sqrt") {
    count = static_cast<int>(std::sqrt(static_cast<double>(dims)));
  } else if (setting == "log2") {
    count = static_cast<int>(std::log2(static_cast<double>(dims)));
  } else if (setting == "all") {
    count = dims;
  } else {
    char* end = nullptr;
    const double value = std::strtod(setting.c_str(), &end);
    if (setting.empty() || *end != '\0' || !(value > 0)) {
      throw usage_error("random forest: max_features '" + setting +
                        "' is none of sqrt, log2, all, a fraction in (0, 1] or a count ≥ 1");
    }
    const bool fraction = setting.find('.') != std::string::npos;
    if (fraction && value > 1) {
      throw usage_error("random forest: max_features fraction '" + setting + "' exceeds 1");
    }
    count = fraction ? static_cast<int>(value * dims) : static_cast<int>(value);
  }
  return std::clamp(count, 1, std::max(dims, 1));
}

RandomForest::RandomForest(RandomForestOptions options)
    : options_(std::move(options)), trees_(std::make_unique<Trees>()) {
  resolve_max_features(options_.max_features, 1);  // reject a bad setting before training
  if (options_.criterion != "gini" && options_.criterion != "entropy") {
    throw usage_error("random forest: criterion must be gini or entropy");
  }
}

RandomForest::~RandomForest() = default;

void RandomForest::fit(const dsp::Matrix& x, std::span<const int> labels, int classes,
                       const FitOptions& fit_options) {
  check_training_data("random forest", x.rows(), labels, classes);
  classes_ = classes;
  dims_ = static_cast<int>(x.cols());
  const Eigen::MatrixXf columns = x;  // column-major: one feature contiguous for the split search
  const auto n = static_cast<std::size_t>(x.rows());

  TreeGrowth growth;
  growth.criterion = options_.criterion == "entropy" ? Criterion::entropy : Criterion::gini;
  growth.max_features = resolve_max_features(options_.max_features, dims_);
  growth.max_depth = options_.max_depth;
  growth.min_samples_leaf = options_.min_samples_leaf;

  std::vector<GrownTree> grown(static_cast<std::size_t>(options_.trees));
  std::vector<std::vector<std::uint8_t>> in_bag(grown.size());
  parallel_for(options_.trees, fit_options.threads, [&](int t) {
    Random random(derive_seed(fit_options.seed, static_cast<std::uint64_t>(t)));
    std::vector<double> weights(n, options_.bootstrap ? 0.0 : 1.0);
    if (options_.bootstrap) {
      for (std::size_t i = 0; i < n; ++i)
        weights[random.index(n)] += 1.0;
    }
    auto& bag = in_bag[static_cast<std::size_t>(t)];
    bag.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      bag[i] = weights[i] > 0;
      if (!fit_options.class_weights.empty()) {
        weights[i] *= fit_options.class_weights[static_cast<std::size_t>(labels[i])];
      }
    }
    grown[static_cast<std::size_t>(t)] =
        grow_classification_tree(columns, labels, classes, weights, growth, random);
  });

  trees_->ensemble = TreeEnsemble(dims_, classes_);
  std::vector<double> importance(static_cast<std::size_t>(dims_), 0.0);
  for (const GrownTree& tree : grown) {
    trees_->ensemble.append(tree.tree);
    double total = 0;
    for (const double v : tree.importance)
      total += v;
    if (total > 0) {
      for (std::size_t f = 0; f < importance.size(); ++f)
        importance[f] += tree.importance[f] / total / static_cast<double>(grown.size());
    }
  }
  report_ = Json::object();
  report_["feature_importances"] = importance;
  if (options_.oob_score && options_.bootstrap) {
    // Each item scored by the trees that did not see it, in tree order (deterministic sums).
    dsp::MatrixD votes = dsp::MatrixD::Zero(static_cast<Eigen::Index>(n), classes_);
    for (std::size_t i = 0; i < n; ++i) {
      const float* row = x.row(static_cast<Eigen::Index>(i)).data();
      for (std::size_t t = 0; t < grown.size(); ++t) {
        if (in_bag[t][i]) continue;
        const double* leaf = trees_->ensemble.leaf(t, row);
        for (int c = 0; c < classes_; ++c)
          votes(static_cast<Eigen::Index>(i), c) += leaf[c];
      }
    }
    std::int64_t scored = 0, correct = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const auto r = static_cast<Eigen::Index>(i);
      if (votes.row(r).sum() <= 0) continue;
      Eigen::Index best = 0;
      votes.row(r).maxCoeff(&best);
      ++scored;
      correct += best == labels[i];
    }
    report_["oob_score"] = nullptr;
    if (scored) report_["oob_score"] = static_cast<double>(correct) / static_cast<double>(scored);
    report_["oob_items"] = scored;
  }
}

dsp::Matrix RandomForest::predict_proba(const dsp::Matrix& x) const {
  if (trees_->ensemble.trees() == 0) throw usage_error("random forest: not trained");
  if (x.cols() != dims_) {
    throw usage_error("random forest: " + std::to_string(x.cols()) + " dimensions, trained on " +
                      std::to_string(dims_));
  }
  dsp::Matrix out(x.rows(), classes_);
  const std::size_t trees = trees_->ensemble.trees();
  std::vector<double> sum(static_cast<std::size_t>(classes_));
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    std::fill(sum.begin(), sum.end(), 0.0);
    for (std::size_t t = 0; t < trees; ++t) {
      const double* leaf = trees_->ensemble.leaf(t, x.row(i).data());
      for (int c = 0; c < classes_; ++c)
        sum[static_cast<std::size_t>(c)] += leaf[c];
    }
    for (int c = 0; c < classes_; ++c)
      out(i, c) = static_cast<float>(sum[static_cast<std::size_t>(c)] / static_cast<double>(trees));
  }
  return out;
}

void RandomForest::save(ModelState& state) const {
  state.values["classes"] = classes_;
  state.values["dims"] = dims_;
  state.values["report"] = report_;
  trees_->ensemble.save(state, "forest.");
}

void RandomForest::load(const ModelState& state) {
  classes_ = read_value<int>(state, "classes");
  dims_ = read_value<int>(state, "dims");
  if (classes_ < 1 || dims_ < 1) throw state_error("random forest: bad classes or dims");
  report_ = read_value<Json>(state, "report");
  trees_->ensemble.load(state, "forest.", dims_, classes_);
}

const Schema<RandomForestOptions>& random_forest_schema() {
  using O = RandomForestOptions;
  static const Schema<O> schema =
      Schema<O>()
          .field("trees", &O::trees, "number of trees", {.min = 1, .max = 100000})
          .field("criterion", &O::criterion, "split quality", {"gini", "entropy"})
          .field("bootstrap", &O::bootstrap, "grow each tree on a bootstrap sample")
          .field("max_features", &O::max_features,
                 "features tried per split: sqrt, log2, all, a fraction (\"0.3\") or a count "
                 "(\"12\")")
          .field("max_depth", &O::max_depth, "deepest level of a tree (0: unlimited)",
                 {.min = 0, .max = 1000})
          .field("min_samples_leaf", &O::min_samples_leaf, "fewest training items in a leaf",
                 {.min = 1, .max = 1000000})
          .field("oob_score", &O::oob_score, "report the out-of-bag accuracy");
  return schema;
}

ClassifierDefinition random_forest_definition() {
  ClassifierDefinition d;
  d.name = "random_forest";
  d.description = "random forest of CART trees (Breiman 2001), probabilities averaged over trees";
  d.supports_class_weights = true;
  d.importance_measure = "mean decrease in impurity";
  d.params = random_forest_schema().declaration();
  d.create = [](const Json& p) -> std::unique_ptr<Classifier> {
    return std::make_unique<RandomForest>(random_forest_schema().from_resolved(p));
  };
  return d;
}

}  // namespace mirkit::models
