// The predict stage: a model file (from `train`, or a neural network from export_torch.py) and
// inputs → one row per file with its label and every class's probability. Inputs are raw audio
// (extracted with the recipe stored in the model: no separate extract step) or feature files of
// that recipe. Long files can be cut into segments whose predictions are aggregated.
#pragma once

#include <filesystem>
#include <functional>
#include <istream>
#include <optional>
#include <string>

#include "mirkit/core/log.hpp"
#include "mirkit/io/input_list.hpp"
#include "mirkit/pipeline/batch_inputs.hpp"

namespace mirkit::pipeline {

struct PredictOptions {
  std::filesystem::path model;
  io::InputSpec inputs;          // audio files, folders, manifests, feature files (.safetensors)
  std::filesystem::path output;  // .csv or .jsonl; empty: CSV on stdout
  std::filesystem::path errors;  // JSONL error log; empty: <output>.errors.jsonl, or none
  GatherOptions gather;
  int top_k = 0;                    // 0: every class's probability
  std::optional<double> segment_s;  // cut audio into segments of this length
  // How segments combine: mean, vote or max (and attention, for neural networks).
  std::string aggregate = "mean";
  bool per_segment = false;  // also a row per segment
  int jobs = 1;
  bool resume = false;              // keep the rows already in `output`, label only the rest
  double checkpoint_seconds = 5.0;  // the output is rewritten (atomically) this often
  std::filesystem::path lock;  // held for the whole run; empty: <output>.lock (none for stdout)
  std::function<void(std::size_t done, std::size_t total, std::size_t failed, double seconds)>
      on_progress;
};

struct PredictSummary {
  std::size_t files = 0;      // rows written (resumed ones included)
  std::size_t predicted = 0;  // now
  std::size_t resumed = 0;    // kept from an earlier output
  std::size_t failed = 0;
};

PredictSummary predict(const PredictOptions& options, Log& log, std::istream& stdin_stream);

}  // namespace mirkit::pipeline
