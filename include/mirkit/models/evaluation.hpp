// Cross-validated evaluation of a model recipe: each fold trains a fresh classifier on the
// fold's training items and predicts its test items, so every item gets an out-of-fold
// prediction from a model that never saw it.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "mirkit/models/cross_validation.hpp"
#include "mirkit/models/metrics.hpp"
#include "mirkit/models/model_config.hpp"

namespace mirkit::models {

struct CrossValidationResult {
  dsp::Matrix out_of_fold;  // items × classes; rows of items in no test fold stay 0
  std::vector<ClassificationMetrics> folds;
  ClassificationMetrics overall;  // over every item that was in a test fold

  Json to_json(const std::vector<std::string>& class_names = {}) const;
};

// Fold f trains with seed derive_seed(options.seed, f). Folds come from stratified_kfold or
// group_kfold (so that no track or artist spans training and test).
CrossValidationResult cross_validate(const ModelConfig& config, const dsp::Matrix& x,
                                     std::span<const int> labels, int classes,
                                     std::span<const Fold> folds, const FitOptions& options);
// The same for a frames model over frame sequences (folds over items).
CrossValidationResult cross_validate(const ModelConfig& config, const SequenceView& x,
                                     std::span<const int> labels, int classes,
                                     std::span<const Fold> folds, const FitOptions& options);

}  // namespace mirkit::models
