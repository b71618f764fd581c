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
#include "mirkit/core/schema.hpp"
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

// A network recipe's "training" section (docs/training.md has each setting's meaning; the
// schema's descriptions are what `mirkit list` prints).
struct TrainingSettings {
  int epochs = 30;
  int batch_size = 32;
  int micro_batch = 16;
  int windows_per_clip = 1;
  std::optional<std::int64_t> window_frames;  // needed when input_shape has a −1
  std::string optimizer = "adam";
  double learning_rate = 1e-3;
  double momentum = 0.9;
  bool nesterov = false;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double weight_decay = 0.0;
  std::string schedule = "cosine";
  int warmup_epochs = 0;
  int step_size = 10;
  double step_gamma = 0.1;
  double min_learning_rate = 0.0;
  std::optional<std::string> loss;  // absent: chosen by the data (single- or multi-label)
  double focal_gamma = 2.0;
  std::string class_weight = "none";
  std::vector<std::string> tasks;
  double validation_fraction = 0.15;
  std::string monitor = "val_loss";
  int patience = 10;
  double clip_norm = 0.0;
  std::uint64_t seed = 0;

  static const Schema<TrainingSettings>& schema();
};

// The "augment" section: per-window augmentation, and copies made from the audio.
struct AugmentSettings {
  int time_masks = 0;
  int time_mask_width = 16;
  int freq_masks = 0;
  int freq_mask_width = 12;
  double mixup_alpha = 0.0;
  double gain_probability = 0.0;
  std::vector<double> gain_db = {-6, 6};
  double noise_probability = 0.0;
  std::vector<double> noise_snr_db = {10, 30};
  int time_shift_frames = 0;
  int pitch_shift_copies = 0;
  std::vector<double> pitch_shift_semitones = {-2, 2};
  int time_stretch_copies = 0;
  std::vector<double> time_stretch_rates = {0.9, 1.1};

  static const Schema<AugmentSettings>& schema();
};

// The "fine_tune" section: start from another model file's layers.
struct FineTuneSettings {
  std::optional<std::string> from;
  std::optional<int> keep_layers;  // absent: all but the last
  bool freeze = true;

  static const Schema<FineTuneSettings>& schema();
};

// The "distill" section: knowledge distillation (Hinton et al. 2015). With a teacher, each window
// is also run through the teacher and the loss is (1 − weight) · the loss on the labels +
// weight · T² · the divergence between the teacher's and the student's outputs softened by the
// temperature T (a softmax per task, or a sigmoid per tag). `mirkit train --teacher` sets it.
struct DistillSettings {
  std::optional<std::string> teacher;  // a network model file on the same features and classes
  double temperature = 4.0;
  double weight = 0.5;

  static const Schema<DistillSettings>& schema();
};

// A network recipe read and checked: the whole recipe with every default filled in (what the
// model file records) and its settings, typed. Usage Errors name the key and `where`.
struct NetworkRecipe {
  Json resolved;
  TrainingSettings training;
  AugmentSettings augment;
  FineTuneSettings fine_tune;
  DistillSettings distill;

  static NetworkRecipe read(const Json& recipe, const std::string& where);
};

// The sections of a network recipe that hold settings ("training", "augment", "fine_tune",
// "distill"): each
// one's schema, and how its resolved JSON becomes the typed member of NetworkRecipe.
struct NetworkRecipeSection {
  std::string name;
  const ParamSchema* declaration;
  std::function<void(NetworkRecipe&, const Json& resolved)> store;
};
const std::vector<NetworkRecipeSection>& network_recipe_sections();

// The top-level keys of a network recipe: the sections above and "model", "network", ….
const std::vector<std::string>& network_recipe_keys();

}  // namespace mirkit::nn
