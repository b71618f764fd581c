// Class imbalance: class weights for the models that take them (SVM, random forest, gradient
// boosting), random oversampling for the rest.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace mirkit::models {

// w_c = n / (k · n_c) over the k classes present (scikit-learn's class_weight="balanced"); an
// absent class gets 1 (it has no items to weigh).
std::vector<double> balanced_class_weights(std::span<const int> labels, int classes);

// Item indices of a resampled training set: every item once, in order, followed by items of each
// smaller class drawn with replacement (seeded) until every present class has as many items as
// the largest.
std::vector<int> random_oversample(std::span<const int> labels, int classes, std::uint64_t seed);

}  // namespace mirkit::models
