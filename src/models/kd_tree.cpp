#include "kd_tree.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace mirkit::models {
namespace {
constexpr int kLeafSize = 16;
}

KdTree::KdTree(const dsp::MatrixD& points, KdMetric metric)
    : points_(points), metric_(metric), order_(static_cast<std::size_t>(points.rows())) {
  std::iota(order_.begin(), order_.end(), 0);
  if (!order_.empty()) build(0, static_cast<int>(order_.size()));
}

int KdTree::build(int begin, int end) {
  const int index = static_cast<int>(nodes_.size());
  nodes_.push_back(Node{-1, 0, begin, end});
  if (end - begin <= kLeafSize) return index;
  int widest = -1;
  double widest_spread = 0;
  for (Eigen::Index d = 0; d < points_.cols(); ++d) {
    double lo = points_(order_[begin], d), hi = lo;
    for (int i = begin + 1; i < end; ++i) {
      lo = std::min(lo, points_(order_[i], d));
      hi = std::max(hi, points_(order_[i], d));
    }
    if (hi - lo > widest_spread) {
      widest_spread = hi - lo;
      widest = static_cast<int>(d);
    }
  }
  if (widest < 0) return index;  // all points equal
  const int middle = begin + (end - begin) / 2;
  const auto by_value = [&](int a, int b) {
    const double va = points_(a, widest), vb = points_(b, widest);
    return va < vb || (va == vb && a < b);
  };
  std::nth_element(order_.begin() + begin, order_.begin() + middle, order_.begin() + end, by_value);
  // Points at or below the median go left: both sides stay within their half-space.
  const double split = points_(order_[middle], widest);
  nodes_[static_cast<std::size_t>(index)].dim = widest;
  nodes_[static_cast<std::size_t>(index)].split = split;
  const int left = build(begin, middle + 1 < end ? middle + 1 : middle);
  const int right = build(middle + 1 < end ? middle + 1 : middle, end);
  nodes_[static_cast<std::size_t>(index)].left = left;
  nodes_[static_cast<std::size_t>(index)].right = right;
  return index;
}

double KdTree::distance(const double* query, int point) const {
  double sum = 0;
  for (Eigen::Index d = 0; d < points_.cols(); ++d) {
    const double diff = query[d] - points_(point, d);
    sum += metric_ == KdMetric::euclidean ? diff * diff : std::abs(diff);
  }
  return metric_ == KdMetric::euclidean ? std::sqrt(sum) : sum;
}

void KdTree::search(int node_index, const double* query, std::size_t k,
                    std::vector<std::pair<double, int>>& heap) const {
  const Node& node = nodes_[static_cast<std::size_t>(node_index)];
  if (node.dim < 0) {
    for (int i = node.begin; i < node.end; ++i) {
      const std::pair<double, int> candidate{distance(query, order_[i]), order_[i]};
      if (heap.size() < k) {
        heap.push_back(candidate);
        std::push_heap(heap.begin(), heap.end());
      } else if (candidate < heap.front()) {
        std::pop_heap(heap.begin(), heap.end());
        heap.back() = candidate;
        std::push_heap(heap.begin(), heap.end());
      }
    }
    return;
  }
  const double offset = query[node.dim] - node.split;
  const int near = offset <= 0 ? node.left : node.right;
  const int far = offset <= 0 ? node.right : node.left;
  search(near, query, k, heap);
  // Both metrics are at least the distance along one axis to the splitting plane.
  if (heap.size() < k || std::abs(offset) <= heap.front().first) search(far, query, k, heap);
}

void KdTree::nearest(const double* query, int k, int* index_out, double* distance_out) const {
  std::vector<std::pair<double, int>> heap;
  heap.reserve(static_cast<std::size_t>(k) + 1);
  search(0, query, static_cast<std::size_t>(k), heap);
  std::sort_heap(heap.begin(), heap.end());
  for (std::size_t j = 0; j < heap.size(); ++j) {
    index_out[j] = heap[j].second;
    distance_out[j] = heap[j].first;
  }
}

}  // namespace mirkit::models
