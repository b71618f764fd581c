// The train stage: a feature file and a model recipe → a model file that holds everything
// `evaluate` and `predict` need (classes, preprocessing, parameters, the extraction config, the
// seed, the data hash, and the cross-validation figures when asked for).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "mirkit/core/log.hpp"
#include "mirkit/pipeline/evaluate.hpp"

namespace mirkit::pipeline {

struct TrainOptions {
  std::filesystem::path features;
  std::string model;                   // a recipe file (configs/models/svm.json) or a name (svm)
  std::vector<std::string> overrides;  // --set key=value
  std::filesystem::path output;
  int cv_folds = 0;  // also cross-validate on the training data
  bool by_group = false;
  std::optional<std::uint64_t> seed;  // overrides the recipe's
  int jobs = 1;
  bool multi_label = false;                      // treat as tags even if no item has two labels
  std::optional<std::filesystem::path> teacher;  // network recipes: distill.teacher
};

struct TrainSummary {
  std::size_t items = 0;
  std::vector<std::string> classes;
  bool multi_label = false;
  std::optional<Evaluation> cross_validation;
  Json training_report;  // what the model recorded while fitting (ModelFile::training["report"])
  double seconds = 0.0;
};

TrainSummary train(const TrainOptions& options, Log& log);

}  // namespace mirkit::pipeline
