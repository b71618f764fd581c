#include "classification_tree.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace mirkit::models {
namespace {

double impurity(Criterion criterion, std::span<const double> counts, double total) {
  if (total <= 0) return 0;
  double value = criterion == Criterion::gini ? 1.0 : 0.0;
  for (const double c : counts) {
    if (c <= 0) continue;
    const double p = c / total;
    value += criterion == Criterion::gini ? -p * p : -p * std::log2(p);
  }
  return value;
}

struct Split {
  int feature = -1;
  double threshold = 0;
  double decrease = 0;  // weighted impurity decrease (node weight × impurity − children's)
};

class Grower {
 public:
  Grower(const Eigen::MatrixXf& columns, std::span<const int> labels, int classes,
         std::span<const double> weights, const TreeGrowth& growth, Random& random)
      : columns_(columns),
        labels_(labels),
        classes_(classes),
        weights_(weights),
        growth_(growth),
        random_(random),
        features_(static_cast<std::size_t>(columns.cols())) {
    std::iota(features_.begin(), features_.end(), 0);
    result_.importance.assign(static_cast<std::size_t>(columns.cols()), 0.0);
  }

  GrownTree grow() {
    std::vector<int> rows;
    for (std::size_t i = 0; i < weights_.size(); ++i)
      if (weights_[i] > 0) rows.push_back(static_cast<int>(i));
    build(rows, 0);
    return std::move(result_);
  }

 private:
  std::vector<double> class_weights(std::span<const int> rows) const {
    std::vector<double> counts(static_cast<std::size_t>(classes_), 0.0);
    for (const int r : rows)
      counts[static_cast<std::size_t>(labels_[r])] += weights_[r];
    return counts;
  }

  int build(std::vector<int>& rows, int depth) {
    const std::vector<double> counts = class_weights(rows);
    const double total = std::accumulate(counts.begin(), counts.end(), 0.0);
    const double node_impurity = impurity(growth_.criterion, counts, total);
    const bool can_split = node_impurity > 1e-12 &&
                           static_cast<int>(rows.size()) >= growth_.min_samples_split &&
                           static_cast<int>(rows.size()) >= 2 * growth_.min_samples_leaf &&
                           (growth_.max_depth == 0 || depth < growth_.max_depth);
    const Split split = can_split ? best_split(rows, counts, total, node_impurity) : Split{};
    // Inner nodes keep their distribution too (the arrays are uniform, and it helps inspection).
    std::vector<double> distribution = counts;
    for (double& d : distribution)
      d /= total;
    const int node = result_.tree.add_leaf(distribution);
    if (split.feature < 0) return node;
    result_.importance[static_cast<std::size_t>(split.feature)] += split.decrease;
    Tree& tree = result_.tree;
    tree.feature[node] = split.feature;
    tree.threshold[node] = split.threshold;
    std::vector<int> left, right;
    for (const int r : rows)
      (static_cast<double>(columns_(r, split.feature)) <= split.threshold ? left : right)
          .push_back(r);
    rows.clear();
    rows.shrink_to_fit();
    const int l = build(left, depth + 1);
    result_.tree.left[node] = l;
    const int rgt = build(right, depth + 1);
    result_.tree.right[node] = rgt;
    return node;
  }

  Split best_split(std::span<const int> rows, const std::vector<double>& counts, double total,
                   double node_impurity) {
    // A fresh random subset of features per node (a partial Fisher–Yates shuffle).
    const int tries = growth_.max_features;
    for (int i = 0; i < tries; ++i) {
      const std::size_t j = static_cast<std::size_t>(i) +
                            random_.index(features_.size() - static_cast<std::size_t>(i));
      std::swap(features_[static_cast<std::size_t>(i)], features_[j]);
    }
    Split best;
    std::vector<std::pair<float, int>> sorted(rows.size());
    std::vector<double> left_counts(counts.size());
    const auto min_leaf = static_cast<std::size_t>(growth_.min_samples_leaf);
    for (int t = 0; t < tries; ++t) {
      const int f = features_[static_cast<std::size_t>(t)];
      for (std::size_t i = 0; i < rows.size(); ++i)
        sorted[i] = {columns_(rows[i], f), rows[i]};
      std::sort(sorted.begin(), sorted.end());
      if (sorted.front().first == sorted.back().first) continue;
      std::fill(left_counts.begin(), left_counts.end(), 0.0);
      std::vector<double> right_counts = counts;
      double left_total = 0;
      for (std::size_t i = 0; i + 1 < sorted.size(); ++i) {
        const auto c = static_cast<std::size_t>(labels_[sorted[i].second]);
        const double w = weights_[sorted[i].second];
        left_counts[c] += w;
        right_counts[c] -= w;
        left_total += w;
        if (sorted[i].first == sorted[i + 1].first) continue;
        if (i + 1 < min_leaf || sorted.size() - (i + 1) < min_leaf) continue;
        const double right_total = total - left_total;
        const double decrease =
            total * node_impurity -
            left_total * impurity(growth_.criterion, left_counts, left_total) -
            right_total * impurity(growth_.criterion, right_counts, right_total);
        if (decrease > best.decrease + 1e-12 * total) {
          const double a = sorted[i].first, b = sorted[i + 1].first;
          double threshold = a + (b - a) / 2;
          if (!(threshold < b)) threshold = a;
          best = {f, threshold, decrease};
        }
      }
    }
    return best;
  }

  const Eigen::MatrixXf& columns_;
  std::span<const int> labels_;
  int classes_;
  std::span<const double> weights_;
  TreeGrowth growth_;
  Random& random_;
  std::vector<int> features_;
  GrownTree result_;
};

}  // namespace

GrownTree grow_classification_tree(const Eigen::MatrixXf& columns, std::span<const int> labels,
                                   int classes, std::span<const double> weights,
                                   const TreeGrowth& growth, Random& random) {
  return Grower(columns, labels, classes, weights, growth, random).grow();
}

}  // namespace mirkit::models
