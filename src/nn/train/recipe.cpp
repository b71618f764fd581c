// The settings of a network recipe, each declared once with its default and range.
#include "mirkit/core/error.hpp"
#include "mirkit/nn/training.hpp"

namespace mirkit::nn {

const ParamSchema& training_schema() {
  static const ParamSchema schema{
      {"epochs", ParamType::integer, 30, "passes over the training clips", 1},
      {"batch_size", ParamType::integer, 32, "windows per optimiser step", 1},
      {"micro_batch", ParamType::integer, 16,
       "windows per worker task; batch norm sees a micro-batch's statistics", 1},
      {"windows_per_clip", ParamType::integer, 1, "random windows drawn from each clip per epoch",
       1},
      {"window_frames", ParamType::integer, nullptr,
       "window length in frames when input_shape has a -1 (any length)", 1},
      {"optimizer",
       ParamType::string,
       "adam",
       "sgd (with momentum), adam or adamw",
       {},
       {},
       {"sgd", "adam", "adamw"}},
      {"learning_rate", ParamType::number, 1e-3, "peak learning rate", 0},
      {"momentum", ParamType::number, 0.9, "sgd momentum", 0, 1},
      {"nesterov", ParamType::boolean, false, "sgd: Nesterov momentum"},
      {"beta1", ParamType::number, 0.9, "adam: first-moment decay", 0, 1},
      {"beta2", ParamType::number, 0.999, "adam: second-moment decay", 0, 1},
      {"weight_decay", ParamType::number, 0.0,
       "L2 penalty on weights (adamw: decoupled), not on biases or norms", 0},
      {"schedule",
       ParamType::string,
       "cosine",
       "learning rate over epochs",
       {},
       {},
       {"constant", "step", "cosine"}},
      {"warmup_epochs", ParamType::integer, 0, "linear ramp up to learning_rate first", 0},
      {"step_size", ParamType::integer, 10, "step schedule: epochs between decays", 1},
      {"step_gamma", ParamType::number, 0.1, "step schedule: factor per decay", 0, 1},
      {"min_learning_rate", ParamType::number, 0.0, "cosine schedule: the final rate", 0},
      {"loss",
       ParamType::string,
       nullptr,
       "cross_entropy, focal or binary_cross_entropy (default: cross_entropy, or "
       "binary_cross_entropy for multi-label data)",
       {},
       {},
       {"cross_entropy", "focal", "binary_cross_entropy"}},
      {"focal_gamma", ParamType::number, 2.0, "focal loss: focusing exponent", 0},
      {"class_weight",
       ParamType::string,
       "none",
       "balanced: weight classes by n / (classes · count)",
       {},
       {},
       {"none", "balanced"}},
      {"tasks", ParamType::string_list, Json::array(),
       "multi-task heads: label prefixes (\"family\" for labels \"family=brass\"), one softmax "
       "each over the classes of that prefix"},
      {"validation_fraction", ParamType::number, 0.15,
       "clips held out (stratified, or by group) to choose the best epoch", 0, 0.5},
      {"monitor",
       ParamType::string,
       "val_loss",
       "what picks the best epoch",
       {},
       {},
       {"val_loss", "val_accuracy"}},
      {"patience", ParamType::integer, 10,
       "stop after this many epochs without a better one (0: "
       "never)",
       0},
      {"clip_norm", ParamType::number, 0.0, "largest gradient norm per step (0: no clipping)", 0},
      {"seed", ParamType::integer, 0, "initial weights, split, order, augmentation, dropout", 0},
  };
  return schema;
}

const ParamSchema& augment_schema() {
  static const ParamSchema schema{
      {"time_masks", ParamType::integer, 0, "SpecAugment: time masks per window", 0},
      {"time_mask_width", ParamType::integer, 16, "SpecAugment: widest time mask, frames", 0},
      {"freq_masks", ParamType::integer, 0, "SpecAugment: frequency masks per window", 0},
      {"freq_mask_width", ParamType::integer, 12, "SpecAugment: widest frequency mask, bins", 0},
      {"mixup_alpha", ParamType::number, 0.0,
       "mixup: λ ~ Beta(α, α) mixes windows and targets (0: off)", 0},
      {"gain_probability", ParamType::number, 0.0, "chance of a random gain", 0, 1},
      {"gain_db", ParamType::number_list, Json::array({-6, 6}), "gain range [low, high], dB"},
      {"noise_probability", ParamType::number, 0.0, "chance of added white noise", 0, 1},
      {"noise_snr_db", ParamType::number_list, Json::array({10, 30}),
       "signal-to-noise range [low, high], dB"},
      {"time_shift_frames", ParamType::integer, 0, "circular shift up to ± this many frames", 0},
      {"pitch_shift_copies", ParamType::integer, 0,
       "pitch-shifted copies of each training clip, made from its audio", 0},
      {"pitch_shift_semitones", ParamType::number_list, Json::array({-2, 2}),
       "pitch shift range [low, high], semitones"},
      {"time_stretch_copies", ParamType::integer, 0,
       "time-stretched copies of each training clip, made from its audio", 0},
      {"time_stretch_rates", ParamType::number_list, Json::array({0.9, 1.1}),
       "stretch rate range [low, high] (> 1: faster)", 0.25, 4},
  };
  return schema;
}

const ParamSchema& fine_tune_schema() {
  static const ParamSchema schema{
      {"from", ParamType::string, nullptr, "a model file to start from (e.g. exported by PyTorch)"},
      {"keep_layers", ParamType::integer, nullptr,
       "how many of its top-level layers to keep (default: all but the last); the recipe's "
       "\"network\".\"layers\" follow them as the new head",
       0},
      {"freeze", ParamType::boolean, true, "train the new head only, the kept layers fixed"},
  };
  return schema;
}

Json resolve_network_recipe(const Json& recipe, const std::string& where) {
  if (!recipe.is_object()) throw usage_error(where + ": a recipe must be a JSON object");
  static const std::vector<std::string> kTop = {
      "description", "model", "network", "training", "augment", "fine_tune", "multi_label"};
  for (const auto& [key, value] : recipe.items()) {
    if (std::find(kTop.begin(), kTop.end(), key) == kTop.end()) {
      std::string message = where + ": unknown key '" + key + "'";
      if (auto near = closest_name(key, kTop)) message += " (did you mean '" + *near + "'?)";
      throw usage_error(message);
    }
  }
  Json out = recipe;
  const auto section = [&](const std::string& key, const ParamSchema& schema) {
    const Json given = recipe.contains(key) ? recipe[key] : Json::object();
    if (!given.is_object()) throw usage_error(where + ": '" + key + "' must be an object");
    out[key] = schema.resolve(given, where + ": " + key);
  };
  section("training", training_schema());
  section("augment", augment_schema());
  section("fine_tune", fine_tune_schema());
  if (!recipe.contains("network") || !recipe["network"].is_object()) {
    throw usage_error(where +
                      ": a network recipe needs \"network\": {\"input_shape\": …, "
                      "\"layers\": […]} (see configs/models/cnn.json)");
  }
  for (const char* range :
       {"gain_db", "noise_snr_db", "pitch_shift_semitones", "time_stretch_rates"}) {
    const Json& pair = out["augment"][range];
    if (pair.size() != 2 || pair[0].get<double>() > pair[1].get<double>()) {
      throw usage_error(where + ": augment." + range + " must be [low, high], got " + pair.dump());
    }
  }
  return out;
}

}  // namespace mirkit::nn
