// The extract stage: audio inputs → one feature file, over many threads, resumable after a kill,
// incremental over a grown folder, and splittable into shards. Whatever the number of threads,
// the shard split or the interruptions, the same inputs give a byte-identical feature file.
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

struct ExtractProgress {
  std::size_t done = 0;   // inputs finished in this run (extracted, reused or failed)
  std::size_t total = 0;  // inputs this run has to finish
  std::size_t failed = 0;
  double audio_seconds = 0.0;  // analysed so far
  double elapsed_seconds = 0.0;
};

struct ExtractOptions {
  io::InputSpec inputs;          // files, folders, manifests (.csv, .jsonl), --files-from
  std::filesystem::path config;  // the feature recipe (JSON)
  std::filesystem::path output;  // the feature file
  std::filesystem::path errors;  // JSONL error log; empty: <output>.errors.jsonl
  GatherOptions gather;          // root of the stored paths, folder labels
  int jobs = 1;                  // worker threads over files
  bool resume = false;           // continue from <output>.journal
  std::optional<std::filesystem::path> update;  // reuse the unchanged items of this feature file
  bool content_hash = false;  // key unchanged inputs by content hash, not size + mtime
  std::optional<Shard> shard;
  double checkpoint_seconds = 5.0;  // journal flush interval
  std::filesystem::path lock;       // held for the whole run; empty: <output>.lock
  std::function<void(const ExtractProgress&)> on_progress;  // called from the workers, serialised
};

struct ExtractSummary {
  std::size_t inputs = 0;     // in the run (all shards)
  std::size_t selected = 0;   // in this shard
  std::size_t extracted = 0;  // analysed now
  std::size_t reused = 0;     // taken unchanged from --update
  std::size_t resumed = 0;    // taken from the checkpoint
  std::size_t failed = 0;     // each named in the error log
  double audio_seconds = 0.0;
  double decode_seconds = 0.0;   // summed over workers: decoding and resampling
  double feature_seconds = 0.0;  // summed over workers: the features themselves
  double wall_seconds = 0.0;
  std::filesystem::path errors_path;
};

// <output>.journal and <output>.errors.jsonl.
std::filesystem::path journal_path(const std::filesystem::path& output);
std::filesystem::path default_errors_path(const std::filesystem::path& output);

// Throws a usage Error for a bad config, no inputs or a bad checkpoint; a fatal Error when the
// output cannot be written or no input at all could be read. A bad input is logged, recorded in
// the error log and counted in `failed`: the batch goes on.
ExtractSummary extract(const ExtractOptions& options, Log& log, std::istream& stdin_stream);

}  // namespace mirkit::pipeline
