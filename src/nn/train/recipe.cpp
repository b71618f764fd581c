// The settings of a network recipe, each declared once; their defaults are the structs'.
#include <algorithm>

#include "mirkit/core/error.hpp"
#include "mirkit/nn/training.hpp"

namespace mirkit::nn {
namespace {

// [low, high]: two numbers, in order.
std::optional<std::string> check_range(const char* name, const std::vector<double>& range) {
  if (range.size() == 2 && range[0] <= range[1]) return std::nullopt;
  return std::string("'") + name + "' must be [low, high], got " + Json(range).dump();
}

}  // namespace

const Schema<TrainingSettings>& TrainingSettings::schema() {
  using S = TrainingSettings;
  static const Schema<S> schema =
      Schema<S>()
          .field("epochs", &S::epochs, "passes over the training clips", {.min = 1})
          .field("batch_size", &S::batch_size, "windows per optimiser step", {.min = 1})
          .field("micro_batch", &S::micro_batch,
                 "windows per worker task; batch norm sees a micro-batch's statistics", {.min = 1})
          .field("windows_per_clip", &S::windows_per_clip,
                 "random windows drawn from each clip per epoch", {.min = 1})
          .field("window_frames", &S::window_frames,
                 "window length in frames when input_shape has a -1 (any length)", {.min = 1})
          .field("optimizer", &S::optimizer, "sgd (with momentum), adam or adamw",
                 {"sgd", "adam", "adamw"})
          .field("learning_rate", &S::learning_rate, "peak learning rate", {.min = 0})
          .field("momentum", &S::momentum, "sgd momentum", {.min = 0, .max = 1})
          .field("nesterov", &S::nesterov, "sgd: Nesterov momentum")
          .field("beta1", &S::beta1, "adam: first-moment decay", {.min = 0, .max = 1})
          .field("beta2", &S::beta2, "adam: second-moment decay", {.min = 0, .max = 1})
          .field("weight_decay", &S::weight_decay,
                 "L2 penalty on weights (adamw: decoupled), not on biases or norms", {.min = 0})
          .field("schedule", &S::schedule, "learning rate over epochs",
                 {"constant", "step", "cosine"})
          .field("warmup_epochs", &S::warmup_epochs, "linear ramp up to learning_rate first",
                 {.min = 0})
          .field("step_size", &S::step_size, "step schedule: epochs between decays", {.min = 1})
          .field("step_gamma", &S::step_gamma, "step schedule: factor per decay",
                 {.min = 0, .max = 1})
          .field("min_learning_rate", &S::min_learning_rate, "cosine schedule: the final rate",
                 {.min = 0})
          .field("loss", &S::loss,
                 "cross_entropy, focal or binary_cross_entropy (default: cross_entropy, or "
                 "binary_cross_entropy for multi-label data)",
                 {"cross_entropy", "focal", "binary_cross_entropy"})
          .field("focal_gamma", &S::focal_gamma, "focal loss: focusing exponent", {.min = 0})
          .field("class_weight", &S::class_weight,
                 "balanced: weight classes by n / (classes · count)", {"none", "balanced"})
          .field("tasks", &S::tasks,
                 "multi-task heads: label prefixes (\"family\" for labels \"family=brass\"), one "
                 "softmax each over the classes of that prefix")
          .field("validation_fraction", &S::validation_fraction,
                 "clips held out (stratified, or by group) to choose the best epoch",
                 {.min = 0, .max = 0.5})
          .field("monitor", &S::monitor, "what picks the best epoch", {"val_loss", "val_accuracy"})
          .field("patience", &S::patience,
                 "stop after this many epochs without a better one (0: never)", {.min = 0})
          .field("clip_norm", &S::clip_norm, "largest gradient norm per step (0: no clipping)",
                 {.min = 0})
          .field("seed", &S::seed, "initial weights, split, order, augmentation, dropout",
                 {.min = 0});
  return schema;
}

const Schema<AugmentSettings>& AugmentSettings::schema() {
  using S = AugmentSettings;
  static const Schema<S> schema =
      Schema<S>()
          .field("time_masks", &S::time_masks, "SpecAugment: time masks per window", {.min = 0})
          .field("time_mask_width", &S::time_mask_width, "SpecAugment: widest time mask, frames",
                 {.min = 0})
          .field("freq_masks", &S::freq_masks, "SpecAugment: frequency masks per window",
                 {.min = 0})
          .field("freq_mask_width", &S::freq_mask_width, "SpecAugment: widest frequency mask, bins",
                 {.min = 0})
          .field("mixup_alpha", &S::mixup_alpha,
                 "mixup: λ ~ Beta(α, α) mixes windows and targets (0: off)", {.min = 0})
          .field("gain_probability", &S::gain_probability, "chance of a random gain",
                 {.min = 0, .max = 1})
          .field("gain_db", &S::gain_db, "gain range [low, high], dB")
          .field("noise_probability", &S::noise_probability, "chance of added white noise",
                 {.min = 0, .max = 1})
          .field("noise_snr_db", &S::noise_snr_db, "signal-to-noise range [low, high], dB")
          .field("time_shift_frames", &S::time_shift_frames,
                 "circular shift up to ± this many frames", {.min = 0})
          .field("pitch_shift_copies", &S::pitch_shift_copies,
                 "pitch-shifted copies of each training clip, made from its audio", {.min = 0})
          .field("pitch_shift_semitones", &S::pitch_shift_semitones,
                 "pitch shift range [low, high], semitones")
          .field("time_stretch_copies", &S::time_stretch_copies,
                 "time-stretched copies of each training clip, made from its audio", {.min = 0})
          .field("time_stretch_rates", &S::time_stretch_rates,
                 "stretch rate range [low, high] (> 1: faster)", {.min = 0.25, .max = 4})
          .rule([](const S& s) { return check_range("gain_db", s.gain_db); })
          .rule([](const S& s) { return check_range("noise_snr_db", s.noise_snr_db); })
          .rule([](const S& s) {
            return check_range("pitch_shift_semitones", s.pitch_shift_semitones);
          })
          .rule([](const S& s) { return check_range("time_stretch_rates", s.time_stretch_rates); });
  return schema;
}

const Schema<FineTuneSettings>& FineTuneSettings::schema() {
  using S = FineTuneSettings;
  static const Schema<S> schema =
      Schema<S>()
          .field("from", &S::from, "a model file to start from (e.g. exported by PyTorch)")
          .field("keep_layers", &S::keep_layers,
                 "how many of its top-level layers to keep (default: all but the last); the "
                 "recipe's \"network\".\"layers\" follow them as the new head",
                 {.min = 0})
          .field("freeze", &S::freeze, "train the new head only, the kept layers fixed");
  return schema;
}

const Schema<DistillSettings>& DistillSettings::schema() {
  using S = DistillSettings;
  static const Schema<S> schema =
      Schema<S>()
          .field("teacher", &S::teacher,
                 "a trained network model file whose outputs the student also learns from "
                 "(same features and classes; `mirkit train --teacher FILE`)")
          .field("temperature", &S::temperature,
                 "softens both outputs (logits / T) so that the teacher's small probabilities "
                 "count",
                 {.min = 1e-3})
          .field("weight", &S::weight,
                 "the teacher's share of the loss (0: labels only, 1: teacher only)",
                 {.min = 0, .max = 1});
  return schema;
}

const std::vector<NetworkRecipeSection>& network_recipe_sections() {
  // Each section resolved against its schema, then read into its typed member.
  const auto section = [](const char* name, const auto& schema, auto member) {
    return NetworkRecipeSection{name, &schema.declaration(),
                                [&schema, member](NetworkRecipe& recipe, const Json& resolved) {
                                  recipe.*member = schema.from_resolved(resolved);
                                }};
  };
  static const std::vector<NetworkRecipeSection> sections = {
      section("training", TrainingSettings::schema(), &NetworkRecipe::training),
      section("augment", AugmentSettings::schema(), &NetworkRecipe::augment),
      section("fine_tune", FineTuneSettings::schema(), &NetworkRecipe::fine_tune),
      section("distill", DistillSettings::schema(), &NetworkRecipe::distill)};
  return sections;
}

const std::vector<std::string>& network_recipe_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> all = {"description", "model", "network", "multi_label"};
    for (const NetworkRecipeSection& section : network_recipe_sections())
      all.push_back(section.name);
    return all;
  }();
  return keys;
}

NetworkRecipe NetworkRecipe::read(const Json& recipe, const std::string& where) {
  if (!recipe.is_object()) throw usage_error(where + ": a recipe must be a JSON object");
  const std::vector<std::string>& known = network_recipe_keys();
  for (const auto& [key, value] : recipe.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      std::string message = where + ": unknown key '" + key + "'";
      if (auto near = closest_name(key, known)) message += " (did you mean '" + *near + "'?)";
      throw usage_error(message);
    }
  }
  NetworkRecipe out;
  out.resolved = recipe;
  for (const NetworkRecipeSection& section : network_recipe_sections()) {
    const Json given = recipe.contains(section.name) ? recipe[section.name] : Json::object();
    if (!given.is_object()) throw usage_error(where + ": '" + section.name + "' must be an object");
    out.resolved[section.name] = section.declaration->resolve(given, where + ": " + section.name);
    section.store(out, out.resolved[section.name]);
  }
  if (!recipe.contains("network") || !recipe["network"].is_object()) {
    throw usage_error(where +
                      ": a network recipe needs \"network\": {\"input_shape\": …, "
                      "\"layers\": […]} (see configs/models/cnn.json)");
  }
  return out;
}

}  // namespace mirkit::nn
