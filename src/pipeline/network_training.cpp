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
#include "mirkit/dsp/pitch_shift.hpp"
#include "mirkit/dsp/time_stretch.hpp"
#include "mirkit/features/extractor.hpp"
#include "mirkit/io/audio_reader.hpp"
#include "mirkit/nn/training.hpp"
#include "mirkit/pipeline/feature_file.hpp"
#include "mirkit/pipeline/trained_model.hpp"

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

// A clip's audio: its path as the feature file records it, relative to the working directory
// or, failing that, to the feature file's folder.
std::filesystem::path audio_of(const FeatureItem& item, const std::filesystem::path& features) {
  const std::filesystem::path path = item.path;
  std::error_code code;
  if (path.is_absolute() || std::filesystem::exists(path, code)) return path;
  const std::filesystem::path beside = features.parent_path() / path;
  return std::filesystem::exists(beside, code) ? beside : path;
}

struct WaveformCopies {
  std::vector<dsp::Matrix> frames;
  std::vector<int> source;  // the item each copy was made from
};

// Pitch-shifted and time-stretched copies of every clip, made once before training from its
// audio and analysed with the feature file's own recipe. Shifts are drawn from a grid of half
// semitones: the resampler keeps a filter per rate pair it has seen, so a finite set of shifts
// keeps its memory bounded. Each clip's draws come from its own stream: the same copies for any
// -j.
WaveformCopies make_waveform_copies(const FeatureFile& features, const TrainOptions& options,
                                    const nn::AugmentSettings& augment, std::uint64_t seed,
                                    Log& log) {
  const int pitch_copies = augment.pitch_shift_copies;
  const int stretch_copies = augment.time_stretch_copies;
  WaveformCopies copies;
  if (pitch_copies + stretch_copies == 0) return copies;
  const double low_shift = augment.pitch_shift_semitones[0];
  const double high_shift = augment.pitch_shift_semitones[1];
  const double low_rate = augment.time_stretch_rates[0];
  const double high_rate = augment.time_stretch_rates[1];
  std::vector<double> shifts;
  for (double s = std::ceil(low_shift * 2) / 2; s <= high_shift + 1e-9; s += 0.5)
    if (s != 0.0) shifts.push_back(s);
  if (pitch_copies > 0 && shifts.empty()) {
    throw usage_error("train: augment.pitch_shift_semitones " +
                      Json(augment.pitch_shift_semitones).dump() +
                      " holds no non-zero half semitone");
  }
  log.info("making " + std::to_string(pitch_copies + stretch_copies) +
           " pitch-shifted / time-stretched copies of each of " +
           std::to_string(features.items.size()) + " clips from their audio");
  const std::size_t items = features.items.size();
  const auto per_item = static_cast<std::size_t>(pitch_copies + stretch_copies);
  copies.frames.resize(items * per_item);
  const int threads = std::max(1, options.jobs);
  std::vector<std::unique_ptr<features::FeatureExtractor>> extractors;
  for (int w = 0; w < threads; ++w) {
    extractors.push_back(
        std::make_unique<features::FeatureExtractor>(features.config, options.features.string()));
  }
  parallel_for(items, threads, [&](std::size_t i, int worker) {
    features::FeatureExtractor& extractor = *extractors[static_cast<std::size_t>(worker)];
    const FeatureItem& item = features.items[i];
    const std::filesystem::path path = audio_of(item, options.features);
    io::LoadOptions load = extractor.load_options();
    load.decode.offset_s = item.start_s;
    if (item.duration_s > 0) load.decode.duration_s = item.duration_s;
    io::Audio audio;
    try {
      audio = io::load_audio(path, load);
    } catch (const Error& error) {
      throw usage_error(
          "train: waveform augmentation reads each clip's audio: " + std::string(error.what()) +
          " (run from the folder the features were extracted in)");
    }
    const int rate = extractor.analysis().sample_rate;
    Random random(derive_seed(seed, 0x77a7e000ULL + i));
    for (std::size_t k = 0; k < per_item; ++k) {
      std::vector<float> changed;
      if (k < static_cast<std::size_t>(pitch_copies)) {
        changed = dsp::pitch_shift(audio.samples, rate, shifts[random.index(shifts.size())]);
      } else {
        const double stretch = low_rate + (high_rate - low_rate) * random.uniform();
        changed = dsp::time_stretch(audio.samples, stretch);
      }
      copies.frames[i * per_item + k] = extractor.frames(changed);
    }
  });
  for (std::size_t i = 0; i < items; ++i)
    for (std::size_t k = 0; k < per_item; ++k)
      copies.source.push_back(static_cast<int>(i));
  return copies;
}

}  // namespace

TrainSummary train_network_model(const TrainOptions& options, const Json& recipe,
                                 const std::string& where, const FeatureFile& features,
                                 const LabelSet& labels, Log& log) {
  const auto start = std::chrono::steady_clock::now();
  if (options.cv_folds > 0) {
    throw usage_error(
        "train: --cv is for the classical models; a network recipe holds out "
        "training.validation_fraction of the clips instead");
  }
  if (features.layout != FeatureLayout::frames) {
    throw usage_error("train: " + options.features.string() +
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

  const nn::NetworkRecipe resolved = nn::NetworkRecipe::read(recipe, where);
  const std::uint64_t seed = options.seed.value_or(resolved.training.seed);
  const WaveformCopies copies =
      make_waveform_copies(features, options, resolved.augment, seed, log);
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
  training.recipe = recipe;
  training.where = where;
  training.classes = labels.classes;
  training.multi_label = labels.multi_label;
  training.features = features.config;
  training.threads = options.jobs;
  training.seed = options.seed;
  training.progress = [&log](const nn::EpochReport& report) { log.info(epoch_line(report)); };
  const nn::NetworkTrainingResult result = nn::train_network(data, training);
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
