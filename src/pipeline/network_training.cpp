// `mirkit train` with a network recipe: the feature file's frame sequences become the training
// clips, the labels their targets, and nn::train_network writes a model file that evaluate and
// predict load like any network.
#include "network_training.hpp"

#include <chrono>
#include <cstdio>

#include "../core/random.hpp"
#include "mirkit/core/error.hpp"
#include "mirkit/core/file_io.hpp"
#include "mirkit/core/parallel.hpp"
#include "mirkit/features/extractor.hpp"
#include "mirkit/io/safetensors.hpp"
#include "mirkit/nn/training.hpp"
#include "mirkit/pipeline/clip_scorer.hpp"
#include "mirkit/pipeline/feature_file.hpp"
#include "mirkit/pipeline/feature_ops.hpp"
#include "mirkit/pipeline/trained_model.hpp"
#include "waveform_copies.hpp"

namespace mirkit::pipeline {
namespace {

std::string epoch_line(const nn::EpochReport& r) {
  char line[256];
  int used = std::snprintf(line, sizeof(line), "epoch %*d/%d  lr %.2e  loss %.4f",
                           static_cast<int>(std::to_string(r.epochs).size()), r.epoch, r.epochs,
                           r.learning_rate, r.train_loss);
  if (r.validation_loss) {
    used +=
        std::snprintf(line + used, sizeof(line) - static_cast<std::size_t>(used),
                      "  val_loss %.4f  val_acc %.3f", *r.validation_loss, *r.validation_accuracy);
  }
  std::snprintf(line + used, sizeof(line) - static_cast<std::size_t>(used), "  %.1f s%s", r.seconds,
                r.best ? "  *" : "");
  return line;
}

// Random gain and added noise work in decibels (a gain is an addition there): on samples they
// would add a constant or white noise at the wrong scale. Refused for the waveform recipe.
void refuse_decibel_augmentations(const nn::AugmentSettings& augment, const FeatureFile& features,
                                  const NetworkFit& fit) {
  if (augment.gain_probability <= 0 && augment.noise_probability <= 0) return;
  for (const Json& feature : features.config.value("features", Json::array())) {
    if (feature.value("name", "") != "waveform") continue;
    throw usage_error(fit.stage + ": " + fit.features_path.string() +
                      " holds waveform samples, but augment.gain_probability and "
                      "augment.noise_probability act on decibels (log-mel features): set them "
                      "to 0 (mixup, time shifts and masks apply to samples)");
  }
}

}  // namespace

void require_model_features(const Json& recorded, const std::string& model,
                            const FeatureFile& features, const std::filesystem::path& features_path,
                            const std::string& prefix, const std::string& why) {
  if (!recorded.is_object()) return;  // exported elsewhere without one: the shapes decide
  const std::string hash = features::FeatureExtractor(recorded, model).config_hash();
  if (hash != features.config_hash) {
    throw usage_error(prefix + model + " reads features of config hash " + hash + ", but " +
                      features_path.string() + " was extracted with config hash " +
                      features.config_hash + ": " + why);
  }
}

nn::NetworkTrainingResult fit_network(const NetworkFit& fit, const FeatureFile& features,
                                      const LabelSet& labels, Log& log) {
  if (features.layout != FeatureLayout::frames) {
    throw usage_error(fit.stage + ": " + fit.features_path.string() +
                      " holds one vector per clip; a network learns from frame sequences: "
                      "extract with a recipe whose \"output\" is \"frames\" (e.g. "
                      "configs/features/logmel-patches.json)");
  }
  nn::TrainingSet data;
  data.dims = static_cast<std::int64_t>(features.dims());
  const auto classes = static_cast<Eigen::Index>(labels.classes.size());
  data.targets = Matrix::Zero(static_cast<Eigen::Index>(features.items.size()), classes);
  for (std::size_t i = 0; i < features.items.size(); ++i) {
    const auto rows = features.rows_of(i);
    data.clips.emplace_back(rows.data(), static_cast<std::size_t>(rows.size()));
    data.groups.push_back(features.items[i].group);
    const auto row = static_cast<Eigen::Index>(i);
    if (labels.multi_label) {
      data.targets.row(row) = labels.tags.row(row);
    } else {
      data.targets(row, labels.single[i]) = 1.0f;
    }
  }

  const nn::NetworkRecipe resolved = nn::NetworkRecipe::read(fit.recipe, fit.where);
  refuse_decibel_augmentations(resolved.augment, features, fit);
  // A teacher reads the student's windows, so it must read the same features.
  if (const auto& teacher = resolved.distill.teacher) {
    const std::string prefix = fit.where + ": distill.teacher: ";
    Json metadata;
    try {
      metadata = io::read_safetensors_header(*teacher).metadata;  // the weights are not needed
    } catch (const Error& error) {
      throw usage_error(prefix + error.what());
    }
    require_model_features(metadata.is_object() ? metadata.value("features", Json()) : Json(),
                           *teacher, features, fit.features_path, prefix,
                           "a teacher must have been trained on features of the same recipe");
  }
  const std::uint64_t seed = fit.seed.value_or(resolved.training.seed);
  const WaveformCopies copies =
      make_waveform_copies(features, fit.features_path, fit.jobs, resolved.augment, seed, log);
  if (!copies.source.empty()) {
    data.copy_of.assign(data.clips.size(), -1);
    Matrix targets(static_cast<Eigen::Index>(data.clips.size() + copies.source.size()), classes);
    targets.topRows(data.targets.rows()) = data.targets;
    for (std::size_t k = 0; k < copies.source.size(); ++k) {
      const dsp::Matrix& frames = copies.frames[k];
      const int from = copies.source[k];
      data.clips.emplace_back(frames.data(), static_cast<std::size_t>(frames.size()));
      data.groups.push_back(data.groups[static_cast<std::size_t>(from)]);
      data.copy_of.push_back(from);
      targets.row(data.targets.rows() + static_cast<Eigen::Index>(k)) = data.targets.row(from);
    }
    data.targets = std::move(targets);
  }

  nn::NetworkTrainingOptions training;
  training.recipe = fit.recipe;
  training.where = fit.where;
  training.classes = labels.classes;
  training.multi_label = labels.multi_label;
  training.features = features.config;
  training.threads = fit.jobs;
  training.seed = fit.seed;
  if (fit.show_epochs)
    training.progress = [&log](const nn::EpochReport& report) { log.info(epoch_line(report)); };
  return nn::train_network(data, training);
}

Evaluation cross_validate_network(const NetworkFit& fit, const FeatureFile& features,
                                  const LabelSet& labels, const CrossValidationOptions& options,
                                  const std::optional<double>& hop_s, Log& log) {
  const auto as_indices = [](const std::vector<int>& rows) {
    return std::vector<std::size_t>(rows.begin(), rows.end());
  };
  return cross_validate(
      features, labels, options,
      [&](std::size_t f, const std::vector<int>& train, const std::vector<int>& test) {
        const FeatureFile train_items = select_items(features, as_indices(train));
        log.info("fold " + std::to_string(f + 1) + "/" + std::to_string(options.folds) +
                 ": training on " + std::to_string(train.size()) + " clips, scoring " +
                 std::to_string(test.size()));
        NetworkFit fold = fit;
        fold.show_epochs = false;
        fold.stage = "evaluate --cv";
        const nn::NetworkTrainingResult result = fit_network(
            fold, train_items,
            LabelSet::from_items(train_items.items, labels.multi_label, &labels.classes), log);
        const std::unique_ptr<ClipScorer> scorer =
            ClipScorer::from_network_bytes(result.model, fit.where);
        return FoldScores{
            scorer->score_items(select_items(features, as_indices(test)), Windowing{{}, hop_s}),
            scorer->thresholds()};
      });
}

TrainSummary train_network_model(const TrainOptions& options, const Json& recipe,
                                 const std::string& where, const FeatureFile& features,
                                 const LabelSet& labels, Log& log) {
  const auto start = std::chrono::steady_clock::now();
  if (options.cv_folds > 0) {
    throw usage_error(
        "train: --cv is for the classical models; cross-validate a network recipe with "
        "`mirkit evaluate --cv K FEATURES -m RECIPE` (a network recipe holds out "
        "training.validation_fraction of the clips for early stopping)");
  }
  NetworkFit fit{recipe, where, options.features, options.jobs, options.seed};
  const nn::NetworkTrainingResult result = fit_network(fit, features, labels, log);
  write_file_atomically(options.output, result.model);

  TrainSummary summary;
  summary.items = features.items.size();
  summary.classes = labels.classes;
  summary.multi_label = labels.multi_label;
  summary.training_report = result.report;
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  log.info("kept epoch " + std::to_string(result.best_epoch) + " of " +
           std::to_string(result.epochs.size()) + " (" + std::to_string(result.training_clips) +
           " training clips, " + std::to_string(result.validation_clips) + " for validation)");
  return summary;
}

}  // namespace mirkit::pipeline
