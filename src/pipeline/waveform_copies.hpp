// Internal: the waveform augmentations of network training (pitch shift, time stretch), made
// before training as extra clips analysed with the feature file's own recipe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "mirkit/core/log.hpp"
#include "mirkit/dsp/matrix.hpp"
#include "mirkit/nn/training.hpp"
#include "mirkit/pipeline/feature_file.hpp"

namespace mirkit::pipeline {

struct WaveformCopies {
  std::vector<dsp::Matrix> frames;
  std::vector<int> source;  // the item each copy was made from
};

// Pitch-shifted and time-stretched copies of every clip, made once before training from its
// audio and analysed with the feature file's own recipe. Shifts are drawn from a grid of half
// semitones: the resampler keeps a filter per rate pair it has seen, so a finite set of shifts
// keeps its memory bounded. Each clip's draws come from its own stream: the same copies for any
// -j.
// `features_path` is where the feature file was read (clips' relative paths are found beside it);
// `jobs` worker threads. An empty result when the recipe asks for no copies.
WaveformCopies make_waveform_copies(const FeatureFile& features,
                                    const std::filesystem::path& features_path, int jobs,
                                    const nn::AugmentSettings& augment, std::uint64_t seed,
                                    Log& log);

}  // namespace mirkit::pipeline
