// The prune stage: a network model file → a smaller dense one, its weakest convolution channels
// removed (nn/prune.hpp), then optionally fine-tuned on a feature file for a few epochs with the
// recipe the model was trained with, so that the accuracy lost by the cut comes back.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "mirkit/core/log.hpp"
#include "mirkit/nn/prune.hpp"

namespace mirkit::pipeline {

struct PruneOptions {
  std::filesystem::path model;
  std::filesystem::path output;
  double channels = 0.5;  // the fraction of each prunable convolution's channels to remove
  std::optional<std::filesystem::path> features;  // the fine-tuning data (labelled frames)
  int fine_tune_epochs = 0;
  std::vector<std::string> overrides;  // --set, on the fine-tuning recipe
  int jobs = 1;
  std::optional<std::uint64_t> seed;
};

struct PruneSummary {
  nn::PruneReport report;
  std::uintmax_t bytes_before = 0, bytes_after = 0;
  int best_epoch = 0;  // of the fine-tuning, when there was one
};

// The fine-tuning recipe is the model's own (training.recipe in its metadata; defaults for a
// network trained elsewhere) with every layer kept and trained on from the pruned weights, for
// `fine_tune_epochs` epochs at a tenth of its learning rate, no warm-up, no teacher; then the
// overrides. Writes the output atomically; usage Errors name the file and the cause.
PruneSummary prune(const PruneOptions& options, Log& log);

}  // namespace mirkit::pipeline
