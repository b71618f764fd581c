// Internal: the train stage for a network recipe (train.cpp hands it over).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "mirkit/nn/training.hpp"
#include "mirkit/pipeline/evaluate.hpp"
#include "mirkit/pipeline/train.hpp"
#include "mirkit/pipeline/trained_model.hpp"

namespace mirkit::pipeline {

// How a network recipe is trained: the recipe and its name for errors, the feature file's path
// (clips' audio is found beside it for waveform augmentations), threads and the seed's override.
struct NetworkFit {
  Json recipe;
  std::string where;
  std::filesystem::path features_path;
  int jobs = 1;
  std::optional<std::uint64_t> seed;
  bool show_epochs = true;      // a progress line per epoch
  std::string stage = "train";  // the start of usage errors
};

// A network model whose recorded feature recipe is `recorded` (its metadata's "features") must
// read features of the recipe `features` were extracted with (by config hash, as evaluate
// checks); otherwise a usage Error: `prefix`, what differs (naming `model`), then `why`. A
// network that records no recipe (exported elsewhere) passes.
void require_model_features(const Json& recorded, const std::string& model,
                            const FeatureFile& features, const std::filesystem::path& features_path,
                            const std::string& prefix, const std::string& why);

// A network trained on `features` and `labels` (the recipe's validation fraction held out of
// them for early stopping); the result holds the model file's bytes.
nn::NetworkTrainingResult fit_network(const NetworkFit& fit, const FeatureFile& features,
                                      const LabelSet& labels, Log& log);

// evaluate --cv with a network recipe: each fold's network trained on the other folds (as
// fit_network), its clips scored window by window (`hop_s`: the windows' spacing).
Evaluation cross_validate_network(const NetworkFit& fit, const FeatureFile& features,
                                  const LabelSet& labels, const CrossValidationOptions& options,
                                  const std::optional<double>& hop_s, Log& log);

// `features` and `labels` as train() read and checked them.
TrainSummary train_network_model(const TrainOptions& options, const Json& recipe,
                                 const std::string& where, const FeatureFile& features,
                                 const LabelSet& labels, Log& log);

}  // namespace mirkit::pipeline
