// Measuring a model: the metrics of its scores against the truth (a readable table and the JSON
// of a report), and cross-validation without a separate test file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "mirkit/core/log.hpp"
#include "mirkit/pipeline/trained_model.hpp"

namespace mirkit::pipeline {

struct Evaluation {
  Json metrics;       // accuracy, balanced_accuracy, macro_f1, micro_f1, log_loss, per_class,
                      // confusion; multi-label: mean_average_precision, macro_roc_auc, per tag
  std::string table;  // the same for people, aligned columns
  // What the metrics were computed from, for a report that shows the items themselves.
  LabelSet labels;
  dsp::Matrix scores;              // items × classes
  std::vector<double> thresholds;  // multi-label: per tag; else empty
  std::vector<std::string> paths;  // each item's path, as the feature file records it
};

// `scores` is items × classes (probabilities, or tag probabilities with `thresholds`); a
// multi-label evaluation also reports the tags said at the thresholds (per-tag precision, recall
// and F1, macro, micro and sample F1, Hamming loss).
Evaluation evaluate_scores(const LabelSet& labels, const dsp::Matrix& scores,
                           const std::vector<double>& thresholds = {});

struct CrossValidationOptions {
  int folds = 5;
  bool by_group = false;  // group K-fold on the items' groups (no group in two folds)
  std::uint64_t seed = 0;
  int threads = 1;
};

// Cross-validation: each item scored by a model fitted on the other folds (stratified by the
// first label, or by group), the metrics of those out-of-fold scores (multi-label: each fold's
// tags said at that fold's thresholds), and under "cross_validation" each fold's figures
// ("per_fold") with their mean and standard deviation ("spread"), also in the table. Throws a
// usage Error when the data cannot make the folds.
Evaluation cross_validate(const models::ModelConfig& config, const FeatureFile& features,
                          const LabelSet& labels, const CrossValidationOptions& options);

// What one fold's model says about the fold's test items: their scores (test items × classes)
// and, multi-label, the thresholds its tags are said at.
struct FoldScores {
  dsp::Matrix scores;
  std::vector<double> thresholds;
};
// The same for any kind of model: `fit_and_score(fold, train items, test items)` fits a model on
// the train items and scores the test items. Folds run one after another.
using FitAndScore = std::function<FoldScores(std::size_t fold, const std::vector<int>& train,
                                             const std::vector<int>& test)>;
Evaluation cross_validate(const FeatureFile& features, const LabelSet& labels,
                          const CrossValidationOptions& options, const FitAndScore& fit_and_score);

// Multi-label: 1 where a tag's score is at or above its threshold (0.5 where none is given), as
// `predict` says a tag; items × tags.
dsp::Matrix tag_decisions(const dsp::Matrix& scores, const std::vector<double>& thresholds);

// The model recipe named on the command line: a JSON file, or a registry name with its defaults;
// then each "key=value" override (value as JSON, else as a string; a key without a dot is a model
// parameter, "preprocessing.standardize=false" reaches into the recipe). Usage Errors name the key.
models::ModelConfig resolve_model_config(const std::string& model,
                                         const std::vector<std::string>& overrides);
// The same recipe as JSON, before it is read as a classical model's: a network recipe
// ("model": "network", see docs/training.md) goes to nn::train_network instead. `where`
// receives the name to use in errors.
Json load_model_recipe(const std::string& model, const std::vector<std::string>& overrides,
                       std::string& where);
// The "key=value" overrides alone, on a recipe already read.
Json apply_overrides(Json recipe, const std::vector<std::string>& overrides);
bool is_network_recipe(const Json& recipe);
// `train --plot-curves` needs a model that records per-iteration figures: a classifier that
// declares it (ClassifierDefinition::records_learning_curves) or a network (per epoch). A usage
// Error naming the model and those that do, before any training.
void require_learning_curves(const std::string& model, const std::vector<std::string>& overrides);

struct EvaluateOptions {
  std::filesystem::path model;  // a trained model file; or, with cv_folds, empty
  std::filesystem::path features;
  std::string recipe;  // with cv_folds: the model recipe (file or name)
  std::vector<std::string> overrides;
  int cv_folds = 0;
  bool by_group = false;
  std::uint64_t seed = 0;
  int jobs = 1;
  std::filesystem::path output;  // metrics JSON; empty: none
  // Score only the items whose labels the model knows (a warning counts the others); without it
  // such an item is a usage Error naming it and the file.
  bool skip_unknown_labels = false;
  // A network's window spacing over each item's frames (seconds); default half a window.
  std::optional<double> hop_s;
};

// evaluate MODEL FEATURES, or evaluate --cv K FEATURES -m RECIPE. A feature file of another
// config than the model's is a usage Error naming both hashes.
Evaluation evaluate(const EvaluateOptions& options, Log& log);

}  // namespace mirkit::pipeline
