#include "mirkit/pipeline/train.hpp"

#include <chrono>

#include "mirkit/core/error.hpp"
#include "mirkit/core/file_io.hpp"
#include "mirkit/core/hash.hpp"
#include "mirkit/pipeline/feature_ops.hpp"
#include "mirkit/pipeline/model_file.hpp"
#include "mirkit/version.hpp"
#include "network_training.hpp"

namespace mirkit::pipeline {
namespace {

std::string data_hash(const FeatureFile& features) {
  std::uint64_t hash = fnv1a64(features.config_hash);
  hash = fnv1a64(std::string_view(reinterpret_cast<const char*>(features.values.data()),
                                  static_cast<std::size_t>(features.values.size()) * sizeof(float)),
                 hash);
  for (const FeatureItem& item : features.items) {
    std::string record = item.path + '\0';
    for (const std::string& label : item.labels)
      record += label + ';';
    hash = fnv1a64(record, hash);
  }
  return to_hex(hash);
}

}  // namespace

TrainSummary train(const TrainOptions& options, Log& log) {
  const auto start = std::chrono::steady_clock::now();
  std::string where;
  Json recipe = load_model_recipe(options.model, options.overrides, where);
  const bool network = is_network_recipe(recipe);
  if (options.teacher) {
    if (!network) {
      throw usage_error("train: --teacher distils a network into a network; " + where +
                        " is a classical model");
    }
    require_existing_input(*options.teacher);
    recipe["distill"]["teacher"] = options.teacher->string();
  }
  models::ModelConfig config;
  if (!network) config = models::read_model_config(recipe, where);
  if (options.seed) config.seed = *options.seed;
  FeatureFile features;
  try {
    features = read_feature_file(options.features);
  } catch (const Error& error) {
    throw usage_error(std::string("train: ") + error.what());
  }
  if (features.items.empty())
    throw usage_error("train: " + options.features.string() + " holds no items");
  if (has_split_column(features)) {
    // The data set's own split: no item of its test split is ever trained on.
    const std::size_t all = features.items.size();
    features = training_items(features);
    if (features.items.empty()) {
      throw usage_error("train: every item of " + options.features.string() +
                        " is of the test split; nothing to train on");
    }
    log.info("the data set's split: training on the " + std::to_string(features.items.size()) +
             " train and validation items; the " + std::to_string(all - features.items.size()) +
             " test items are left for evaluate");
  }
  const LabelSet labels = LabelSet::from_items(
      features.items, options.multi_label || (network && recipe.value("multi_label", false)));
  if (labels.classes.size() < 2) {
    throw usage_error("train: " + options.features.string() + " has a single class ('" +
                      labels.classes.front() + "'); a classifier needs at least two");
  }
  if (network) return train_network_model(options, recipe, where, features, labels, log);

  TrainSummary summary;
  summary.items = features.items.size();
  summary.classes = labels.classes;
  summary.multi_label = labels.multi_label;
  ModelFile file;
  file.training = {{"items", features.items.size()}, {"rows", features.values.rows()}};
  if (options.cv_folds > 0) {
    log.verbose("cross-validating, " + std::to_string(options.cv_folds) + " folds");
    const CrossValidationOptions cv{options.cv_folds, options.by_group, config.seed, options.jobs};
    summary.cross_validation = cross_validate(config, features, labels, cv);
    // The model file records the metrics with the folds' figures beside them, one level.
    Json recorded = summary.cross_validation->metrics;
    const Json folds = recorded["cross_validation"];
    recorded.erase("cross_validation");
    recorded.update(folds);
    file.training["cross_validation"] = recorded;
  }

  TrainedModel model = TrainedModel::create(config, features.layout, labels.multi_label);
  model.fit(features, labels, {config.seed, options.jobs, {}});
  model.save(file.state);
  file.training["report"] = model.training_report();
  summary.training_report = file.training["report"];
  file.model = config.to_json();
  file.classes = labels.classes;
  file.multi_label = labels.multi_label;
  file.layout = features.layout;
  file.feature_config = features.config;
  file.feature_config_hash = features.config_hash;
  file.feature_names = features.names;
  file.seed = config.seed;
  file.data_hash = data_hash(features);
  file.mirkit_version = kVersion;
  write_model_file(options.output, file);
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace mirkit::pipeline
