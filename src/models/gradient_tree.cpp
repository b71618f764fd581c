#include "gradient_tree.hpp"

#include <algorithm>

namespace mirkit::models {

FeatureBins FeatureBins::build(const dsp::Matrix& x, int max_bins) {
  FeatureBins bins;
  const Eigen::Index n = x.rows(), dims = x.cols();
  bins.edges.resize(static_cast<std::size_t>(dims));
  bins.bin.resize(n, dims);
  std::vector<float> column(static_cast<std::size_t>(n));
  for (Eigen::Index f = 0; f < dims; ++f) {
    for (Eigen::Index i = 0; i < n; ++i)
      column[static_cast<std::size_t>(i)] = x(i, f);
    std::sort(column.begin(), column.end());
    std::vector<float> distinct = column;
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    std::vector<double>& edges = bins.edges[static_cast<std::size_t>(f)];
    auto add_edge_after = [&](float value) {
      const auto next = std::upper_bound(distinct.begin(), distinct.end(), value);
      if (next == distinct.end()) return;
      const double edge = value + (static_cast<double>(*next) - value) / 2;
      if (edges.empty() || edge > edges.back()) edges.push_back(edge);
    };
    if (static_cast<int>(distinct.size()) <= max_bins) {
      for (std::size_t i = 0; i + 1 < distinct.size(); ++i)
        add_edge_after(distinct[i]);
    } else {
      for (int q = 1; q < max_bins; ++q)
        add_edge_after(column[static_cast<std::size_t>(q * n / max_bins)]);
    }
    for (Eigen::Index i = 0; i < n; ++i) {
      const double v = x(i, f);
      bins.bin(i, f) = static_cast<std::uint8_t>(std::lower_bound(edges.begin(), edges.end(), v) -
                                                 edges.begin());
    }
  }
  return bins;
}

namespace {

struct Sums {
  double g = 0, h = 0;
  int count = 0;
};

class GradientGrower {
 public:
  GradientGrower(const FeatureBins& bins, std::span<const double> g, std::span<const double> h,
                 const GradientTreeGrowth& growth, std::vector<double>* gains)
      : bins_(bins), g_(g), h_(h), growth_(growth), gains_(gains) {}

  Tree grow(std::span<const int> rows) {
    std::vector<int> all(rows.begin(), rows.end());
    build(all, 0);
    return std::move(tree_);
  }

 private:
  double score(const Sums& s) const { return s.g * s.g / (s.h + growth_.l2); }

  int build(std::vector<int>& rows, int depth) {
    Sums node;
    for (const int r : rows) {
      node.g += g_[r];
      node.h += h_[r];
    }
    node.count = static_cast<int>(rows.size());
    const double leaf_value = -node.g / (node.h + growth_.l2) * growth_.shrinkage;
    const int index = tree_.add_leaf(std::span<const double>(&leaf_value, 1));
    if (depth >= growth_.max_depth || node.count < 2 * growth_.min_samples_leaf) return index;

    const Eigen::Index dims = bins_.bin.cols();
    int best_feature = -1, best_bin = 0;
    double best_gain = 1e-12;
    std::vector<Sums> histogram;
    for (Eigen::Index f = 0; f < dims; ++f) {
      const auto& edges = bins_.edges[static_cast<std::size_t>(f)];
      if (edges.empty()) continue;
      histogram.assign(edges.size() + 1, Sums{});
      const std::uint8_t* column = bins_.bin.col(f).data();
      for (const int r : rows) {
        Sums& s = histogram[column[r]];
        s.g += g_[r];
        s.h += h_[r];
        ++s.count;
      }
      Sums left;
      for (std::size_t b = 0; b + 1 < histogram.size(); ++b) {
        left.g += histogram[b].g;
        left.h += histogram[b].h;
        left.count += histogram[b].count;
        const Sums right{node.g - left.g, node.h - left.h, node.count - left.count};
        if (left.count < growth_.min_samples_leaf || right.count < growth_.min_samples_leaf) {
          continue;
        }
        if (left.h < growth_.min_child_weight || right.h < growth_.min_child_weight) continue;
        const double gain = score(left) + score(right) - score(node);
        if (gain > best_gain) {
          best_gain = gain;
          best_feature = static_cast<int>(f);
          best_bin = static_cast<int>(b);
        }
      }
    }
    if (best_feature < 0) return index;

    if (gains_) (*gains_)[static_cast<std::size_t>(best_feature)] += best_gain;
    tree_.feature[index] = best_feature;
    tree_.threshold[index] =
        bins_.edges[static_cast<std::size_t>(best_feature)][static_cast<std::size_t>(best_bin)];
    std::vector<int> left, right;
    const std::uint8_t* column = bins_.bin.col(best_feature).data();
    for (const int r : rows)
      (column[r] <= best_bin ? left : right).push_back(r);
    rows.clear();
    rows.shrink_to_fit();
    const int l = build(left, depth + 1);
    tree_.left[index] = l;
    const int rr = build(right, depth + 1);
    tree_.right[index] = rr;
    return index;
  }

  const FeatureBins& bins_;
  std::span<const double> g_, h_;
  GradientTreeGrowth growth_;
  std::vector<double>* gains_;  // per feature: the summed gain of its splits; or null
  Tree tree_;
};

}  // namespace

Tree grow_gradient_tree(const FeatureBins& bins, std::span<const int> rows,
                        std::span<const double> gradients, std::span<const double> hessians,
                        const GradientTreeGrowth& growth, std::vector<double>* gains) {
  return GradientGrower(bins, gradients, hessians, growth, gains).grow(rows);
}

}  // namespace mirkit::models
