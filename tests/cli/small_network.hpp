// The smallest network worth training in a CLI test: log-mel frames of 32 bands and a
// one-block CNN that tells three tones apart (high 3 kHz, mid 900 Hz, low 200 Hz) in seconds.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "support/audio_files.hpp"
#include "support/signals.hpp"

namespace mirkit::test {

// Log-mel frames small enough for a quick network: 32 bands, 1 s clips ≈ 44 frames.
inline const char* kSmallMel = R"({
  "analysis": {"sample_rate": 22050, "n_fft": 1024, "hop_length": 512},
  "features": [{"name": "melspectrogram", "n_mels": 32, "decibels": true}],
  "output": "frames"
})";

inline const char* kSmallCnn = R"({
  "model": "network",
  "network": {"input_shape": [1, 32, 32], "layers": [
    {"type": "batch_norm", "num_features": 1},
    {"type": "conv2d", "in_channels": 1, "out_channels": 6, "kernel_size": [3, 3],
     "padding": [1, 1]},
    {"type": "batch_norm", "num_features": 6}, {"type": "relu"},
    {"type": "max_pool2d", "kernel_size": [4, 4]},
    {"type": "flatten"},
    {"type": "linear", "in_features": 384, "out_features": "classes"}]},
  "training": {"epochs": 8, "batch_size": 8, "micro_batch": 4, "learning_rate": 0.01,
               "validation_fraction": 0.2, "seed": 2}
})";

// root/{high,low,mid}/NAME{0..clips-1}.wav: 1 s tones at 22.05 kHz, each a little higher.
inline void make_tones(const std::filesystem::path& root, int clips) {
  for (const auto& [name, base] : std::vector<std::pair<std::string, double>>{
           {"high", 3000.0}, {"low", 200.0}, {"mid", 900.0}}) {
    std::filesystem::create_directories(root / name);
    for (int i = 0; i < clips; ++i) {
      const std::vector<float> tone = sine(base * (1.0 + 0.04 * i), 22050, 22050, 0.3);
      write_audio(root / name / (name + std::to_string(i) + ".wav"), tone, 22050, 1);
    }
  }
}

}  // namespace mirkit::test
