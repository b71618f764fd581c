// The inputs of a batch stage, gathered from the command line: audio files, folders (scanned,
// labelled by the folder that holds each file: the GTZAN layout), manifests (.csv, .jsonl) and
// --files-from lists; each with the key it is known by (its path relative to the root), and the
// deterministic shard it falls in.
#pragma once

#include <cstdint>
#include <filesystem>
#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "mirkit/core/error.hpp"
#include "mirkit/io/input_list.hpp"

namespace mirkit::pipeline {

struct BatchInput {
  std::filesystem::path path;       // where to read it
  std::string key;                  // its path relative to the root (or as given), '/'-separated
  std::vector<std::string> labels;  // empty: unlabelled
  std::string group;
  std::optional<double> start_s;  // from a manifest; none: the config's offset
  std::optional<double> duration_s;
  std::string split;  // a manifest's: "train", "validation", "test"; empty: none
};

struct GatherOptions {
  std::optional<std::filesystem::path> root;  // keys are relative to this; none: the current folder
  bool labels_from_folders = true;            // label files found in folders by their parent folder
};

// What gathering found: the inputs, and what was wrong on the way.
struct GatheredInputs {
  std::vector<BatchInput> inputs;
  std::vector<std::string> duplicates;     // keys listed more than once (kept once, the first)
  std::vector<Error> problems;             // folders that could not be scanned: input Errors
  std::vector<std::string> empty_folders;  // named folders that hold no audio
  // Worth a warning, not an error: (the file, what about it), e.g. a manifest's ignored columns.
  std::vector<std::pair<std::string, std::string>> notes;
};

// In order: each positional path (a folder expanded in sorted order, a manifest's entries in its
// order, a file as it is), then the --files-from entries. A path named on the command line must
// exist (a usage Error names it); a listed or manifest path that does not is that input's error,
// later. A folder named like an audio file is a problem, never scanned. Throws a usage Error for
// an unreadable manifest or list.
GatheredInputs gather_inputs(const io::InputSpec& spec, std::istream& stdin_stream,
                             const GatherOptions& options);

// What a batch stage remembers of an input file to know it again in a later run.
struct InputFacts {
  std::int64_t size = -1;
  std::int64_t mtime_ns = -1;  // modification time, nanoseconds since the epoch
};

// The file's size and modification time; an input Error naming it when it cannot be stat'ed or
// is a folder.
InputFacts stat_input(const std::filesystem::path& path);

// A stable hash of the whole input list (keys, labels, groups, ranges): what a checkpoint and the
// shards of one run must agree on.
std::string hash_inputs(const std::vector<BatchInput>& inputs);

// `--shard I/N`: the inputs whose key hashes to I modulo N (0 ≤ I < N). Every input falls in
// exactly one shard, whatever the other inputs are, so N shards run anywhere add up to the batch.
struct Shard {
  int index = 0;
  int count = 1;

  static Shard parse(const std::string& text);  // "I/N"; a usage Error otherwise
  // From SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT (minus SLURM_ARRAY_TASK_MIN), when set.
  static std::optional<Shard> from_environment();
  bool contains(const std::string& key) const;
};

}  // namespace mirkit::pipeline
