// A regression tree fitted to gradients and hessians of the loss, as in second-order gradient
// boosting (Friedman 2001; Chen & Guestrin 2016, XGBoost): a split's gain is
// G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ) and a leaf's value is −G/(H+λ). Split points come from
// per-feature histograms over at most 256 quantile bins (as LightGBM and scikit-learn's
// HistGradientBoosting): the search costs rows × features per level instead of a sort per node.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "mirkit/dsp/matrix.hpp"
#include "tree_ensemble.hpp"

namespace mirkit::models {

// Feature f's bin of x is the number of its edges below x, so "bin ≤ b" is "x ≤ edges[b]" and a
// tree grown on bins predicts from raw values with edges as thresholds.
struct FeatureBins {
  std::vector<std::vector<double>> edges;                           // per feature, increasing
  Eigen::Matrix<std::uint8_t, Eigen::Dynamic, Eigen::Dynamic> bin;  // rows × features, col-major

  // Edges: midpoints between consecutive distinct values when a feature has at most max_bins of
  // them, otherwise midpoints around max_bins − 1 evenly spaced quantiles.
  static FeatureBins build(const dsp::Matrix& x, int max_bins);
};

struct GradientTreeGrowth {
  int max_depth = 4;
  int min_samples_leaf = 1;
  double min_child_weight = 1e-3;  // smallest hessian sum of a child
  double l2 = 1.0;                 // λ
  double shrinkage = 0.1;          // leaf values are multiplied by it (the learning rate)
};

// `rows` are the rows in this round's sample; gradients and hessians are indexed by row. With
// `gains` (one entry per feature), each split's gain is added to its feature's entry: XGBoost's
// "total_gain" importance.
Tree grow_gradient_tree(const FeatureBins& bins, std::span<const int> rows,
                        std::span<const double> gradients, std::span<const double> hessians,
                        const GradientTreeGrowth& growth, std::vector<double>* gains = nullptr);

}  // namespace mirkit::models
