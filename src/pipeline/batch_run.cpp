#include "mirkit/pipeline/batch_run.hpp"

#include <chrono>
#include <mutex>

#include "mirkit/core/file_io.hpp"
#include "mirkit/core/json.hpp"
#include "mirkit/core/parallel.hpp"
#include "mirkit/core/text.hpp"

namespace mirkit::pipeline {
namespace fs = std::filesystem;
namespace {

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string error_log_line(const std::string& key, const Error& error) {
  return to_json_line(Json{{"path", key},
                           {"file", escape_invalid_utf8(error.file())},
                           {"stage", error.stage()},
                           {"error", error.cause()}}) +
         "\n";
}

}  // namespace

bool writes_stdout(const fs::path& output) {
  return output.empty() || output == "-";
}

fs::path default_lock_path(const fs::path& output) {
  return fs::path(output.string() + ".lock");
}

fs::path default_errors_path(const fs::path& output) {
  return fs::path(output.string() + ".errors.jsonl");
}

BatchRun::BatchRun(const BatchOptions& options, std::string stage, Log& log,
                   std::istream& stdin_stream)
    : options_(options), stage_(std::move(stage)), log_(log), start_(now_seconds()) {
  require_output_folder(options.output);
  if (!options.lock.empty() || !writes_stdout(options.output)) {
    lock_ = std::make_unique<FileLock>(options.lock.empty() ? default_lock_path(options.output)
                                                            : options.lock);
  }
  GatheredInputs gathered = gather_inputs(options.inputs, stdin_stream, options.gather);
  for (const std::string& key : gathered.duplicates)
    log_.warning("listed twice; used once", key);
  for (const std::string& folder : gathered.empty_folders)
    log_.warning("no audio files in this folder", folder);
  for (const auto& [file, note] : gathered.notes)
    log_.warning(note, file);
  for (const Error& problem : gathered.problems)
    log_.error(problem);
  inputs_ = std::move(gathered.inputs);
  problems_ = std::move(gathered.problems);
  failures_.resize(inputs_.size());
  shard_ = options.shard;
  for (std::size_t i = 0; i < inputs_.size(); ++i)
    if (!shard_ || shard_->contains(inputs_[i].key)) selected_.push_back(i);
}

BatchRun::~BatchRun() = default;

int BatchRun::workers_for(std::size_t count) const {
  return std::max(1, std::min<int>(options_.jobs, static_cast<int>(count)));
}

void BatchRun::for_each(const std::vector<std::size_t>& todo,
                        const std::function<double(std::size_t, int)>& work,
                        const std::function<void(std::size_t, const Error*)>& finished,
                        const std::function<void()>& checkpoint) {
  std::mutex mutex;  // guards the failures, the progress and the stage's callbacks
  BatchProgress progress;
  progress.total = todo.size();
  double last_checkpoint = now_seconds();
  parallel_for(todo.size(), workers_for(todo.size()), [&](std::size_t slot, int worker) {
    const std::size_t index = todo[slot];
    const BatchInput& input = inputs_[index];
    std::optional<Error> failure;
    double audio_seconds = 0.0;
    try {
      audio_seconds = work(index, worker);
    } catch (const Error& error) {
      if (error.kind() != ErrorKind::input) throw;
      failure = Error(error.cause(), ErrorKind::input, input.path.string(),
                      error.stage().empty() ? stage_ : error.stage());
    } catch (const std::bad_alloc&) {
      failure = Error("out of memory", ErrorKind::input, input.path.string(), stage_);
    }
    const std::lock_guard<std::mutex> lock(mutex);
    if (failure) {
      log_.error(*failure);
      failures_[index] = *failure;
      ++progress.failed;
    }
    progress.audio_seconds += audio_seconds;
    ++progress.done;
    finished(index, failure ? &*failure : nullptr);
    if (now_seconds() - last_checkpoint >= options_.checkpoint_seconds) {
      checkpoint();
      last_checkpoint = now_seconds();
    }
    if (options_.on_progress) {
      progress.elapsed_seconds = elapsed_seconds();
      options_.on_progress(progress);
    }
  });
}

void BatchRun::add_failure(std::size_t index, Error failure) {
  failures_.at(index) = std::move(failure);
}

std::size_t BatchRun::failed() const {
  std::size_t count = problems_.size();
  for (const std::size_t index : selected_)
    count += failures_[index].has_value();
  return count;
}

fs::path BatchRun::write_error_log() const {
  const fs::path path = !options_.errors.empty()         ? options_.errors
                        : writes_stdout(options_.output) ? fs::path()
                                                         : default_errors_path(options_.output);
  if (path.empty()) return {};
  std::string text;
  for (const Error& problem : problems_)
    text += error_log_line(escape_invalid_utf8(problem.file()), problem);
  for (const std::size_t index : selected_)
    if (failures_[index]) text += error_log_line(inputs_[index].key, *failures_[index]);
  if (text.empty()) {
    std::error_code code;
    fs::remove(path, code);
    return {};
  }
  write_file_atomically(path, text);
  return path;
}

double BatchRun::elapsed_seconds() const {
  return now_seconds() - start_;
}

}  // namespace mirkit::pipeline
