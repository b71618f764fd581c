// Training a network natively: the model recipe's "network" description (the same one a model
// file holds), its "training", "augment" and "fine_tune" settings, and clips of frames with their
// targets → a model file that nn::Network loads, so evaluate and predict use it unchanged.
// docs/training.md describes every setting; configs/models/cnn.json and crnn.json are examples.
//
// Deterministic: a seed gives the same bytes on any number of threads. Each batch is cut into
// micro-batches of a fixed size; each micro-batch runs on its own replica of the network with its
// own random stream (window offsets, augmentation, dropout) and the gradients are summed in
// micro-batch order. Batch norm's statistics are therefore those of a micro-batch.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "mirkit/core/json.hpp"
#include "mirkit/core/params.hpp"
#include "mirkit/nn/tensor.hpp"

namespace mirkit::nn {

// The clips to learn from. Clip i is `clips[i]`, frames × dims values, row-major (a log-mel
// spectrogram: frames × mel bands).
struct TrainingSet {
  std::int64_t dims = 0;
  std::vector<std::span<const float>> clips;
  Matrix targets;                   // clips × classes: one-hot (single-label) or 0/1 tags
  std::vector<std::string> groups;  // empty, or one per clip: a group is never split between
                                    // training and validation
  std::vector<int> copy_of;         // empty, or per clip: −1, or the clip it is an augmented
                                    // copy of (training side only, with its original)
};

struct EpochReport {
  int epoch = 0;  // 1-based
  int epochs = 0;
  double learning_rate = 0.0;
  double train_loss = 0.0;
  std::optional<double> validation_loss;  // absent without a validation split
  std::optional<double> validation_accuracy;
  double seconds = 0.0;
  bool best = false;  // the checkpoint kept so far
};

struct NetworkTrainingOptions {
  Json recipe;        // the whole model recipe ("model": "network")
  std::string where;  // its name, for errors
  std::vector<std::string> classes;
  bool multi_label = false;
  Json features;  // the extraction config, recorded in the model for `predict`
  int threads = 1;
  std::optional<std::uint64_t> seed;  // overrides the recipe's
  std::function<void(const EpochReport&)> progress;
};

struct NetworkTrainingResult {
  std::string model;  // the model file's bytes: the best checkpoint
  std::vector<EpochReport> epochs;
  int best_epoch = 0;
  Json report;  // what the file's metadata records under "training"
  std::int64_t training_clips = 0, validation_clips = 0;
};

NetworkTrainingResult train_network(const TrainingSet& data, const NetworkTrainingOptions& options);

// The recipe's sections resolved against their schemas (defaults filled in); usage Errors name
// the key and `where`. Also what `mirkit list` prints.
Json resolve_network_recipe(const Json& recipe, const std::string& where);
const ParamSchema& training_schema();
const ParamSchema& augment_schema();
const ParamSchema& fine_tune_schema();

}  // namespace mirkit::nn
