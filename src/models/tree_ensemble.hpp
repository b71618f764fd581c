// Binary decision trees stored flat, many trees in one set of arrays, as the model file keeps
// them: node n of tree t is entry tree_offsets[t] + n. A node with feature −1 is a leaf; an inner
// node sends x to `left` when x[feature] ≤ threshold. Each node carries `outputs` values (class
// probabilities for a forest, one score for a boosting tree).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mirkit/models/model_state.hpp"

namespace mirkit::models {

struct Tree {
  std::vector<int> feature;
  std::vector<double> threshold;
  std::vector<int> left, right;  // indices within the tree
  std::vector<double> value;     // nodes × outputs, row-major

  int add_leaf(std::span<const double> values);
  std::size_t nodes() const { return feature.size(); }
};

class TreeEnsemble {
 public:
  TreeEnsemble() = default;
  TreeEnsemble(int dims, int outputs) : dims_(dims), outputs_(outputs) {}

  void append(const Tree& tree);
  // Keeps the first `trees` trees.
  void truncate(std::size_t trees);
  std::size_t trees() const { return tree_offsets_.size() - 1; }
  int outputs() const { return outputs_; }
  int dims() const { return dims_; }

  // The leaf values of tree t for row x (length outputs).
  const double* leaf(std::size_t t, const float* x) const;

  // Tensors "<prefix>feature", "threshold", "left", "right", "value", "tree_offsets"; load checks
  // that every child index and feature is in range, so a damaged file cannot send predict astray.
  void save(ModelState& state, const std::string& prefix) const;
  void load(const ModelState& state, const std::string& prefix, int dims, int outputs);

 private:
  int dims_ = 0, outputs_ = 0;
  std::vector<std::int64_t> tree_offsets_{0};
  std::vector<std::int64_t> feature_, left_, right_;
  std::vector<double> threshold_, value_;
};

}  // namespace mirkit::models
