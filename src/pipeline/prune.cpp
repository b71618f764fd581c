// mirkit prune: channel pruning (nn::prune_channels), then fine-tuning through the network
// trainer, starting from the pruned weights with every layer trainable.
#include "mirkit/pipeline/prune.hpp"

#include <chrono>

#include "mirkit/core/error.hpp"
#include "mirkit/core/file_io.hpp"
#include "mirkit/io/safetensors.hpp"
#include "mirkit/nn/training.hpp"
#include "mirkit/pipeline/evaluate.hpp"
#include "mirkit/pipeline/feature_file.hpp"
#include "mirkit/pipeline/feature_ops.hpp"
#include "network_training.hpp"

namespace mirkit::pipeline {
namespace {

// The pruned file lives beside the output while the trainer reads it, and goes after.
class ScratchFile {
 public:
  explicit ScratchFile(std::filesystem::path path) : path_(std::move(path)) {}
  ~ScratchFile() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

Json fine_tuning_recipe(const io::TensorFile& pruned, const std::string& from,
                        const PruneOptions& options) {
  const Json& metadata = pruned.metadata;
  Json recipe = {{"model", "network"}};
  if (metadata.contains("training") && metadata["training"].is_object() &&
      metadata["training"].contains("recipe") && metadata["training"]["recipe"].is_object()) {
    recipe = metadata["training"]["recipe"];
  }
  recipe.erase("distill");
  recipe["network"] = {{"layers", Json::array()}};
  recipe["fine_tune"] = {
      {"from", from}, {"keep_layers", metadata["network"]["layers"].size()}, {"freeze", false}};
  Json& training = recipe["training"];
  if (!training.is_object()) training = Json::object();
  const double rate = training.value("learning_rate", nn::TrainingSettings{}.learning_rate);
  training["learning_rate"] = rate / 10;
  training["warmup_epochs"] = 0;
  training["epochs"] = options.fine_tune_epochs;
  return apply_overrides(std::move(recipe), options.overrides);
}

// Fine-tunes the pruned network on the feature file; returns the model file's bytes.
std::string fine_tune(const io::TensorFile& pruned, const PruneOptions& options,
                      PruneSummary& summary, Log& log) {
  const std::filesystem::path& features_path = *options.features;
  FeatureFile features;
  try {
    features = read_feature_file(features_path);
  } catch (const Error& error) {
    throw usage_error(std::string("prune: ") + error.what());
  }
  if (has_split_column(features)) features = training_items(features);
  if (features.items.empty())
    throw usage_error("prune: " + features_path.string() + " holds no items to fine-tune on");
  const std::string where = "prune: " + options.model.string();
  const auto classes = pruned.metadata.at("classes").get<std::vector<std::string>>();
  const bool tags = pruned.metadata.value("output", std::string()) == "sigmoid";
  const LabelSet labels = LabelSet::from_items(features.items, tags, &classes);

  require_model_features(pruned.metadata.value("features", Json()), options.model.string(),
                         features, features_path, "prune: ",
                         "fine-tune on features of the recipe the model was trained on");
  const ScratchFile scratch(options.output.string() + ".pruned.tmp");
  io::write_safetensors(scratch.path(), pruned);
  NetworkFit fit{fine_tuning_recipe(pruned, scratch.path().string(), options), where, features_path,
                 options.jobs, options.seed};
  fit.stage = "prune";
  const nn::NetworkTrainingResult result = fit_network(fit, features, labels, log);
  summary.best_epoch = result.best_epoch;

  // The recipe recorded names the scratch file, gone now: the pruning record says where the
  // weights came from instead.
  io::TensorFile tuned = io::decode_safetensors(
      std::span(reinterpret_cast<const std::byte*>(result.model.data()), result.model.size()),
      where);
  tuned.metadata["training"]["recipe"].erase("fine_tune");
  tuned.metadata["pruning"] = pruned.metadata["pruning"];
  tuned.metadata["pruning"]["fine_tune_epochs"] = result.epochs.size();
  return io::encode_safetensors(tuned);
}

}  // namespace

PruneSummary prune(const PruneOptions& options, Log& log) {
  require_existing_input(options.model);
  if (options.fine_tune_epochs > 0 && !options.features) {
    throw usage_error("prune: --fine-tune-epochs needs the training data: --features FILE");
  }
  if (options.features) require_existing_input(*options.features);
  io::TensorFile model;
  try {
    model = io::read_safetensors(options.model);
  } catch (const Error& error) {
    throw usage_error(std::string("prune: ") + error.what());
  }
  PruneSummary summary;
  io::TensorFile pruned = nn::prune_channels(model, options.channels,
                                             "prune: " + options.model.string(), summary.report);
  pruned.metadata["pruning"]["from"] = options.model.string();
  summary.bytes_before = std::filesystem::file_size(options.model);
  if (summary.report.pruned.empty()) {
    throw usage_error("prune: " + options.model.string() +
                      " has no convolution whose channels can be removed (see "
                      "docs/deployment.md for the layers a pruned chain may hold)");
  }
  const std::string bytes = options.fine_tune_epochs > 0 ? fine_tune(pruned, options, summary, log)
                                                         : io::encode_safetensors(pruned);
  write_file_atomically(options.output, bytes);
  summary.bytes_after = bytes.size();
  return summary;
}

}  // namespace mirkit::pipeline
