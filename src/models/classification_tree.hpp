// A CART classification tree (Breiman et al. 1984) as random forests grow it (Breiman 2001):
// exact best split over a random subset of features at each node, weighted by bootstrap counts and
// class weights, grown until pure or stopped by depth or leaf size.
#pragma once

#include <vector>

#include "../core/random.hpp"
#include "mirkit/dsp/matrix.hpp"
#include "tree_ensemble.hpp"

namespace mirkit::models {

enum class Criterion { gini, entropy };

struct TreeGrowth {
  Criterion criterion = Criterion::gini;
  int max_features = 0;  // features tried per node, in [1, dims]
  int max_depth = 0;     // 0: unlimited
  int min_samples_leaf = 1;
  int min_samples_split = 2;
};

struct GrownTree {
  Tree tree;
  std::vector<double> importance;  // weighted impurity decrease per feature (not normalised)
};

// `columns` is the training data column-major (dims columns, one contiguous per feature),
// `weights` one per row (0: not in this tree's sample). Leaves hold class distributions.
GrownTree grow_classification_tree(const Eigen::MatrixXf& columns, std::span<const int> labels,
                                   int classes, std::span<const double> weights,
                                   const TreeGrowth& growth, Random& random);

}  // namespace mirkit::models
