// The extract stage: audio inputs → one feature file, over many threads, resumable after a kill,
// incremental over a grown folder, and splittable into shards. Whatever the number of threads,
// the shard split or the interruptions, the same inputs give a byte-identical feature file.
#pragma once

#include <filesystem>
#include <istream>
#include <optional>
#include <string>

#include "mirkit/core/log.hpp"
#include "mirkit/pipeline/batch_run.hpp"

namespace mirkit::pipeline {

struct ExtractOptions {
  // Inputs, the feature file (output), the error log, the lock, threads, shard, checkpoint
  // interval and progress. Without a shard, SLURM_ARRAY_TASK_ID / _COUNT choose one when set.
  BatchOptions batch;
  std::filesystem::path config;                 // the feature recipe (JSON)
  bool resume = false;                          // continue from <output>.journal
  std::optional<std::filesystem::path> update;  // reuse the unchanged items of this feature file
  bool content_hash = false;  // key unchanged inputs by content hash, not size + mtime
};

struct ExtractSummary {
  std::size_t inputs = 0;     // in the run (all shards)
  std::size_t selected = 0;   // in this shard
  std::size_t extracted = 0;  // analysed now
  std::size_t reused = 0;     // taken unchanged from --update
  std::size_t resumed = 0;    // taken from the checkpoint
  std::size_t failed = 0;     // each named in the error log (unreadable folders too)
  std::size_t items = 0;      // in the feature file
  double audio_seconds = 0.0;
  double decode_seconds = 0.0;   // summed over workers: decoding and resampling
  double feature_seconds = 0.0;  // summed over workers: the features themselves
  double wall_seconds = 0.0;
  std::filesystem::path errors_path;  // empty when nothing failed
};

// <output>.journal
std::filesystem::path journal_path(const std::filesystem::path& output);

// Throws a usage Error for a bad config, no inputs or a bad checkpoint; a fatal Error when the
// output cannot be written or no input at all could be read. A bad input is logged, recorded in
// the error log and counted in `failed`: the batch goes on.
ExtractSummary extract(const ExtractOptions& options, Log& log, std::istream& stdin_stream);

}  // namespace mirkit::pipeline
