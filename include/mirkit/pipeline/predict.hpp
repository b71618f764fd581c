// The predict stage: a model file (from `train`, or a neural network from export_torch.py) and
// inputs → one row per file with its label and every class's probability. Inputs are raw audio
// (extracted with the recipe stored in the model: no separate extract step) or feature files of
// that recipe. Long files can be cut into segments whose predictions are aggregated.
#pragma once

#include <filesystem>
#include <istream>
#include <optional>
#include <ostream>
#include <string>

#include "mirkit/core/log.hpp"
#include "mirkit/pipeline/batch_run.hpp"
#include "mirkit/pipeline/clip_scorer.hpp"

namespace mirkit::pipeline {

struct PredictOptions {
  // Inputs (audio files, folders, manifests, and feature files: .safetensors), the output
  // (.csv or .jsonl; "-" or empty: CSV on standard output), the error log, the lock, threads,
  // checkpoint interval and progress.
  BatchOptions batch;
  std::filesystem::path model;
  int top_k = 0;  // 0: every class's probability
  // The segments scored and how they combine (segment_s: cut audio into segments of this
  // length; hop_s: networks' window spacing).
  Windowing windowing;
  bool per_segment = false;  // also a row per segment
  // Open-set labelling: a row whose most probable class is below min_prob is labelled
  // unknown_label instead.
  std::optional<double> min_prob;
  std::string unknown_label = "unknown";
  // Keep the earlier output's rows whose file (path, size, modification time, manifest range),
  // model and settings are unchanged; label the rest. A different model or other settings are
  // refused, naming both. Without it the run labels everything afresh.
  bool update = false;
  bool keep_missing = false;  // with update: keep the rows of files no longer among the inputs
};

struct PredictSummary {
  std::size_t files = 0;         // rows written
  std::size_t predicted = 0;     // labelled now
  std::size_t kept = 0;          // unchanged rows kept from the earlier output
  std::size_t dropped = 0;       // earlier rows of files gone from the inputs
  std::size_t missing_kept = 0;  // of those, kept by keep_missing
  std::size_t failed = 0;
  std::filesystem::path errors_path;  // empty when nothing failed
};

// Writes CSV to `out` when the output is standard output; nothing else goes there.
PredictSummary predict(const PredictOptions& options, Log& log, std::istream& stdin_stream,
                       std::ostream& out);

}  // namespace mirkit::pipeline
