// The registry of classifiers: each declares its parameters once (validation, defaults,
// `mirkit list models`) and creates a model from resolved parameters.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mirkit/core/params.hpp"
#include "mirkit/core/registry.hpp"
#include "mirkit/models/classifier.hpp"

namespace mirkit::models {

enum class InputKind {
  pooled,   // one vector per item: the feature file's `features`
  frames,   // frame sequences: the feature file's `frames` and `offsets`
  windows,  // windows of frames, for a network: trained by nn::train_network, not by `create`
};

struct ClassifierDefinition {
  std::string name;
  std::string description;  // one line
  InputKind input = InputKind::pooled;
  // Whether fit honours FitOptions::class_weights; otherwise `class_weight: balanced`
  // oversamples the training set.
  bool supports_class_weights = false;
  // What the commands may ask of a trained one, so that they never name model types:
  // per-iteration figures in its training report (`train --plot-curves`), and feature
  // importances in it (`explain`), measured as this says (empty: it records none).
  bool records_learning_curves = false;
  std::string importance_measure;
  ParamSchema params;
  // Set according to `input` (pooled: create; frames: create_sequence; windows: neither);
  // `params` are resolved (every declared key present).
  std::function<std::unique_ptr<Classifier>(const Json& params)> create;
  std::function<std::unique_ptr<SequenceClassifier>(const Json& params)> create_sequence;
};

// Every built-in classifier, in the order `mirkit list models` shows them (src/models/builtin.cpp).
using ClassifierRegistry = Registry<ClassifierDefinition>;
const ClassifierRegistry& classifier_registry();

// Throws a usage error naming the known classifiers (and the likely intended one).
const ClassifierDefinition& find_classifier(const std::string& name);

}  // namespace mirkit::models
