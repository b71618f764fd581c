// Splits for cross-validation and validation hold-outs. Indices come back in increasing order.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace mirkit::models {

struct Fold {
  std::vector<int> train, test;  // item indices
};

// Stratified K-fold: each class's items are shuffled (seeded) and dealt round-robin over the
// folds, one class after another, so every fold holds about 1/K of each class and fold sizes
// differ by at most one. Needs 2 ≤ folds ≤ items.
std::vector<Fold> stratified_kfold(std::span<const int> labels, int folds, std::uint64_t seed);

// Group K-fold: no group (track, artist) spans two folds. Groups are placed largest first (ties
// by name) into the fold with the fewest items so far (the lowest index on a tie), as
// scikit-learn's GroupKFold. Needs at least `folds` distinct groups.
std::vector<Fold> group_kfold(std::span<const std::string> groups, int folds);

// A stratified hold-out: round(n_c × fraction) items of each class c go to validation, but never
// a class's last training item. Fraction in (0, 1).
struct Split {
  std::vector<int> train, validation;
};
Split stratified_split(std::span<const int> labels, double validation_fraction, std::uint64_t seed);

// Gathers rows / labels by index.
template <typename Matrix>
Matrix take_rows(const Matrix& x, std::span<const int> rows) {
  Matrix out(static_cast<Eigen::Index>(rows.size()), x.cols());
  for (std::size_t i = 0; i < rows.size(); ++i)
    out.row(static_cast<Eigen::Index>(i)) = x.row(rows[i]);
  return out;
}
std::vector<int> take(std::span<const int> values, std::span<const int> rows);

}  // namespace mirkit::models
