// A k-d tree (Bentley 1975; Friedman, Bentley & Finkel 1977) over training rows for exact
// nearest-neighbour search under the euclidean or manhattan distance. Each node splits at the
// median of its widest dimension; a subtree is skipped only when its splitting plane is farther
// than the current k-th neighbour, so ties are still visited and broken by the lower index.
#pragma once

#include <vector>

#include "mirkit/dsp/matrix.hpp"

namespace mirkit::models {

enum class KdMetric { euclidean, manhattan };

class KdTree {
 public:
  KdTree(const dsp::MatrixD& points, KdMetric metric);  // `points` must outlive the tree

  // The k nearest points to `query` (length dims), nearest first.
  void nearest(const double* query, int k, int* index_out, double* distance_out) const;

 private:
  struct Node {
    int dim = -1;  // −1: leaf holding order_[begin, end)
    double split = 0;
    int begin = 0, end = 0;
    int left = -1, right = -1;
  };
  int build(int begin, int end);
  double distance(const double* query, int point) const;
  void search(int node, const double* query, std::size_t k,
              std::vector<std::pair<double, int>>& heap) const;

  const dsp::MatrixD& points_;
  KdMetric metric_;
  std::vector<int> order_;
  std::vector<Node> nodes_;
};

}  // namespace mirkit::models
