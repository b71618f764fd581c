#include "tree_ensemble.hpp"

namespace mirkit::models {

int Tree::add_leaf(std::span<const double> values) {
  feature.push_back(-1);
  threshold.push_back(0.0);
  left.push_back(-1);
  right.push_back(-1);
  value.insert(value.end(), values.begin(), values.end());
  return static_cast<int>(feature.size() - 1);
}

void TreeEnsemble::append(const Tree& tree) {
  feature_.insert(feature_.end(), tree.feature.begin(), tree.feature.end());
  left_.insert(left_.end(), tree.left.begin(), tree.left.end());
  right_.insert(right_.end(), tree.right.begin(), tree.right.end());
  threshold_.insert(threshold_.end(), tree.threshold.begin(), tree.threshold.end());
  value_.insert(value_.end(), tree.value.begin(), tree.value.end());
  tree_offsets_.push_back(static_cast<std::int64_t>(feature_.size()));
}

void TreeEnsemble::truncate(std::size_t trees) {
  if (trees >= this->trees()) return;
  tree_offsets_.resize(trees + 1);
  const auto nodes = static_cast<std::size_t>(tree_offsets_.back());
  feature_.resize(nodes);
  left_.resize(nodes);
  right_.resize(nodes);
  threshold_.resize(nodes);
  value_.resize(nodes * static_cast<std::size_t>(outputs_));
}

const double* TreeEnsemble::leaf(std::size_t t, const float* x) const {
  const std::int64_t base = tree_offsets_[t];
  std::int64_t node = base;
  while (feature_[static_cast<std::size_t>(node)] >= 0) {
    const auto n = static_cast<std::size_t>(node);
    node = base + (static_cast<double>(x[feature_[n]]) <= threshold_[n] ? left_[n] : right_[n]);
  }
  return value_.data() + node * outputs_;
}

void TreeEnsemble::save(ModelState& state, const std::string& prefix) const {
  put_ints(state, prefix + "tree_offsets", tree_offsets_);
  put_ints(state, prefix + "feature", feature_);
  put_ints(state, prefix + "left", left_);
  put_ints(state, prefix + "right", right_);
  put_vector(state, prefix + "threshold", threshold_);
  const dsp::MatrixD values = Eigen::Map<const dsp::MatrixD>(
      value_.data(), static_cast<Eigen::Index>(feature_.size()), outputs_);
  put_matrix(state, prefix + "value", values);
}

void TreeEnsemble::load(const ModelState& state, const std::string& prefix, int dims, int outputs) {
  dims_ = dims;
  outputs_ = outputs;
  tree_offsets_ = get_ints(state, prefix + "tree_offsets");
  feature_ = get_ints(state, prefix + "feature");
  const auto nodes = static_cast<std::int64_t>(feature_.size());
  left_ = get_ints(state, prefix + "left", nodes);
  right_ = get_ints(state, prefix + "right", nodes);
  threshold_ = get_vector(state, prefix + "threshold", nodes);
  const dsp::MatrixD values = get_matrix(state, prefix + "value", nodes, outputs);
  value_.assign(values.data(), values.data() + values.size());
  if (tree_offsets_.size() < 2 || tree_offsets_.front() != 0 || tree_offsets_.back() != nodes) {
    throw state_error("tensor '" + prefix + "tree_offsets' does not cover the " +
                      std::to_string(nodes) + " nodes");
  }
  for (std::size_t t = 0; t + 1 < tree_offsets_.size(); ++t) {
    const std::int64_t begin = tree_offsets_[t], size = tree_offsets_[t + 1] - begin;
    if (size < 1) throw state_error("tensor '" + prefix + "tree_offsets': empty tree");
    // Increasing from 0 up to here; an offset past the nodes would read beyond them (found by
    // fuzzing: docs/fuzzing.md).
    if (tree_offsets_[t + 1] > nodes) {
      throw state_error("tensor '" + prefix + "tree_offsets' points past the " +
                        std::to_string(nodes) + " nodes");
    }
    for (std::int64_t n = begin; n < begin + size; ++n) {
      const auto i = static_cast<std::size_t>(n);
      if (feature_[i] < -1 || feature_[i] >= dims) {
        throw state_error("tensor '" + prefix + "feature' refers to a dimension out of range");
      }
      // Children come after their parent, which also rules out cycles.
      if (feature_[i] >= 0 && (left_[i] <= n - begin || left_[i] >= size ||
                               right_[i] <= n - begin || right_[i] >= size)) {
        throw state_error("tensors '" + prefix + "left'/'" + prefix +
                          "right' refer to a node out of range");
      }
    }
  }
}

}  // namespace mirkit::models
