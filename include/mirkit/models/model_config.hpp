// A model recipe (configs/models/<name>.json) and the classifier it makes: the registry model with
// its resolved parameters, wrapped in the configured preprocessing (fitted on the training data
// and stored with the model) and class balancing.
//
//   {"description": "…", "model": "svm", "params": {…},
//    "preprocessing": {"standardize": true, "pca_components": 0, "pca_whiten": false},
//    "class_weight": "none" | "balanced",
//    "multi_label": {"thresholds": "fixed" | "tuned", "threshold": 0.5, "validation_fraction":
//    0.2}, "seed": 0}
//
// class_weight "balanced" gives the model balanced class weights where it supports them (see
// ClassifierDefinition::supports_class_weights) and oversamples the training set (seeded)
// otherwise.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "mirkit/models/classifier.hpp"
#include "mirkit/models/preprocessing.hpp"

namespace mirkit::models {

struct MultiLabelOptions {
  std::string thresholds = "fixed";  // fixed: `threshold` for every tag; tuned: best F1 per tag
  double threshold = 0.5;
  double validation_fraction = 0.2;  // the hold-out thresholds are tuned on

  static const Schema<MultiLabelOptions>& schema();  // a recipe's "multi_label" object
};

struct ModelConfig {
  std::string description;
  std::string model;  // a registry name
  Json params;        // resolved: every declared parameter present
  PreprocessOptions preprocessing;
  bool balanced = false;
  MultiLabelOptions multi_label;
  std::uint64_t seed = 0;

  // Every field with its value, defaults included: what the model file records.
  Json to_json() const;
};

// Validates every field (an unknown or mistyped key is a usage Error naming it and `where`).
ModelConfig read_model_config(const Json& config, const std::string& where);
// The top-level keys of a model recipe.
const std::vector<std::string>& model_config_keys();
ModelConfig load_model_config(const std::filesystem::path& path);

// For a pooled-input model (InputKind::pooled); a frames model is a usage Error saying so.
std::unique_ptr<Classifier> create_classifier(const ModelConfig& config);
// For a frames-input model; preprocessing is fitted on the frames.
std::unique_ptr<SequenceClassifier> create_sequence_classifier(const ModelConfig& config);

// A saved classifier back from its state alone: the state records the config.
std::unique_ptr<Classifier> restore_classifier(const ModelState& state);
std::unique_ptr<SequenceClassifier> restore_sequence_classifier(const ModelState& state);

}  // namespace mirkit::models
