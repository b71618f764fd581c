// One batch run over many inputs: the engine that `extract`, `predict` and `info` share. It owns
// what every batch stage needs and none should write again — the output lock (taken before
// anything is read, removed at the end), the inputs and their order (folders scanned, lists
// read, shards selected), the worker threads, the checkpoint clock, progress, the per-input
// error log and the counts of the final summary. A stage supplies only the work per input and
// the writer of its output.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mirkit/core/error.hpp"
#include "mirkit/core/file_lock.hpp"
#include "mirkit/core/log.hpp"
#include "mirkit/io/input_list.hpp"
#include "mirkit/pipeline/batch_inputs.hpp"

namespace mirkit::pipeline {

struct BatchProgress {
  std::size_t done = 0;   // inputs finished in this run (done, reused or failed)
  std::size_t total = 0;  // inputs this run has to finish
  std::size_t failed = 0;
  double audio_seconds = 0.0;  // analysed so far
  double elapsed_seconds = 0.0;
};

struct BatchOptions {
  io::InputSpec inputs;  // files, folders, manifests (.csv, .jsonl), --files-from
  GatherOptions gather;  // root of the stored paths, folder labels
  std::optional<Shard> shard;
  std::filesystem::path output;  // the result; empty or "-": standard output
  std::filesystem::path errors;  // JSONL error log; empty: OUTPUT.errors.jsonl (none for stdout)
  std::filesystem::path lock;    // held for the whole run; empty: OUTPUT.lock (none for stdout)
  int jobs = 1;                  // worker threads over inputs
  double checkpoint_seconds = 5.0;
  std::function<void(const BatchProgress&)> on_progress;  // called serialised
};

// True when the result goes to standard output (`-o -`, or no -o where a stage allows it).
bool writes_stdout(const std::filesystem::path& output);
// The files beside an output, one rule for every stage: OUTPUT.lock, OUTPUT.errors.jsonl.
std::filesystem::path default_lock_path(const std::filesystem::path& output);
std::filesystem::path default_errors_path(const std::filesystem::path& output);

class BatchRun {
 public:
  // In this order, before anything else is read or written: checks that the output's folder
  // exists (a usage Error names the folder), takes the lock (a fatal Error when another run
  // holds it), then gathers the inputs — only now is a --files-from list read, so a second run
  // that is refused never consumed it. Duplicates and folders without audio are warned of;
  // folders that cannot be scanned are logged and count as failed inputs.
  BatchRun(const BatchOptions& options, std::string stage, Log& log, std::istream& stdin_stream);
  ~BatchRun();
  BatchRun(const BatchRun&) = delete;
  BatchRun& operator=(const BatchRun&) = delete;

  const std::vector<BatchInput>& inputs() const { return inputs_; }
  // The indexes of the inputs in this shard (all of them without one), in input order.
  const std::vector<std::size_t>& selected() const { return selected_; }
  const std::optional<Shard>& shard() const { return shard_; }
  // Worker threads for `count` inputs: the option's, at most one per input, at least one.
  int workers_for(std::size_t count) const;

  // Runs work(index, worker) for each index of `todo` on workers_for(todo.size()) threads; it
  // returns the seconds of audio it analysed. An input Error it throws is that input's failure:
  // named on stderr and kept for the error log. Then finished(index, failure or nullptr) runs
  // under the run's mutex, in completion order, and so does checkpoint() every
  // checkpoint_seconds. Any other exception ends the run.
  void for_each(const std::vector<std::size_t>& todo,
                const std::function<double(std::size_t index, int worker)>& work,
                const std::function<void(std::size_t index, const Error* failure)>& finished,
                const std::function<void()>& checkpoint);

  // A failure known without running the input (recovered from a checkpoint): kept for the error
  // log, not named on stderr again.
  void add_failure(std::size_t index, Error failure);
  std::size_t failed() const;  // folder problems and input failures, this shard's

  // Writes the error log when anything failed (gathering problems first, then the inputs in
  // input order), and removes an earlier run's when nothing did: the log always describes this
  // run. Returns its path, or an empty path when there is none.
  std::filesystem::path write_error_log() const;
  double elapsed_seconds() const;

 private:
  const BatchOptions& options_;
  std::string stage_;
  Log& log_;
  std::unique_ptr<FileLock> lock_;
  std::vector<BatchInput> inputs_;
  std::vector<Error> problems_;                 // from gathering
  std::vector<std::optional<Error>> failures_;  // by input index
  std::vector<std::size_t> selected_;
  std::optional<Shard> shard_;
  double start_ = 0.0;
};

}  // namespace mirkit::pipeline
