#include "waveform_copies.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

#include "../core/random.hpp"
#include "mirkit/core/error.hpp"
#include "mirkit/core/parallel.hpp"
#include "mirkit/dsp/pitch_shift.hpp"
#include "mirkit/dsp/time_stretch.hpp"
#include "mirkit/features/extractor.hpp"
#include "mirkit/io/audio_reader.hpp"

namespace mirkit::pipeline {
namespace {

// A clip's audio: its path as the feature file records it, relative to the working directory
// or, failing that, to the feature file's folder.
std::filesystem::path audio_of(const FeatureItem& item, const std::filesystem::path& features) {
  const std::filesystem::path path = item.path;
  std::error_code code;
  if (path.is_absolute() || std::filesystem::exists(path, code)) return path;
  const std::filesystem::path beside = features.parent_path() / path;
  return std::filesystem::exists(beside, code) ? beside : path;
}

}  // namespace

WaveformCopies make_waveform_copies(const FeatureFile& features,
                                    const std::filesystem::path& features_path, int jobs,
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
  const int threads = std::max(1, jobs);
  // One extractor built, one copy per worker (sharing its features).
  std::vector<features::FeatureExtractor> extractors(
      1, features::FeatureExtractor(features.config, features_path.string()));
  extractors.reserve(static_cast<std::size_t>(threads));
  for (int w = 1; w < threads; ++w)
    extractors.push_back(extractors.front());
  parallel_for(items, threads, [&](std::size_t i, int worker) {
    features::FeatureExtractor& extractor = extractors[static_cast<std::size_t>(worker)];
    const FeatureItem& item = features.items[i];
    const std::filesystem::path path = audio_of(item, features_path);
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

}  // namespace mirkit::pipeline
