#include "mirkit/pipeline/extract.hpp"

#include <sys/stat.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <map>
#include <mutex>

#include "mirkit/core/error.hpp"
#include "mirkit/core/file_io.hpp"
#include "mirkit/core/file_lock.hpp"
#include "mirkit/core/hash.hpp"
#include "mirkit/core/parallel.hpp"
#include "mirkit/core/text.hpp"
#include "mirkit/features/extractor.hpp"
#include "mirkit/io/audio_reader.hpp"
#include "mirkit/pipeline/journal.hpp"
#include "mirkit/version.hpp"

namespace mirkit::pipeline {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

FeatureLayout layout_of(const features::FeatureExtractor& extractor) {
  if (extractor.output() == features::OutputKind::frames) return FeatureLayout::frames;
  return extractor.has_texture_windows() ? FeatureLayout::segments : FeatureLayout::pooled;
}

Json read_config(const fs::path& path) {
  std::string text;
  try {
    text = read_file(path);
  } catch (const Error& error) {
    throw usage_error("feature config: " + std::string(error.what()));
  }
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& error) {
    throw usage_error(path.string() + ": not valid JSON (" + error.what() + ")");
  }
}

// The items of an earlier feature file, by key, for --update.
struct Reusable {
  FeatureFile file;
  std::map<std::string, std::size_t> by_key;
};

std::optional<Reusable> load_reusable(const ExtractOptions& options, const std::string& config_hash,
                                      FeatureLayout layout) {
  if (!options.update) return std::nullopt;
  std::error_code code;
  if (!fs::exists(*options.update, code)) return std::nullopt;  // first run of a cron job
  Reusable reusable;
  try {
    reusable.file = read_feature_file(*options.update);
  } catch (const Error& error) {
    throw usage_error("--update: " + std::string(error.what()));
  }
  if (reusable.file.config_hash != config_hash || reusable.file.layout != layout) {
    throw usage_error("--update " + options.update->string() + ": made with config hash " +
                      reusable.file.config_hash + ", this config's is " + config_hash +
                      "; extract afresh (without --update) to change the features");
  }
  for (std::size_t i = 0; i < reusable.file.items.size(); ++i)
    reusable.by_key.emplace(reusable.file.items[i].path, i);
  return reusable;
}

struct FileFacts {
  std::int64_t size = 0;
  std::int64_t mtime_ns = 0;
};

FileFacts stat_input(const fs::path& path) {
  struct stat facts {};
  if (::stat(path.c_str(), &facts) != 0) {
    const int code = errno;
    throw Error(std::string("cannot read (") + std::strerror(code) + ")", ErrorKind::input,
                path.string(), "open");
  }
  if (S_ISDIR(facts.st_mode)) {
    throw Error("is a folder, not an audio file", ErrorKind::input, path.string(), "open");
  }
  return {static_cast<std::int64_t>(facts.st_size),
          static_cast<std::int64_t>(facts.st_mtim.tv_sec) * 1'000'000'000 + facts.st_mtim.tv_nsec};
}

// Everything one worker needs, and the time it spent where.
struct Worker {
  features::FeatureExtractor extractor;
  double decode_seconds = 0.0;
  double feature_seconds = 0.0;
};

class Analyser {
 public:
  Analyser(const ExtractOptions& options, const Reusable* reusable)
      : options_(options), reusable_(reusable) {}

  // One input → its record. Errors of the input are caught into a failed record.
  JournalRecord analyse(const BatchInput& input, std::int64_t index, Worker& worker,
                        bool& reused) const {
    JournalRecord record;
    record.index = index;
    reused = false;
    try {
      FeatureItem item = describe(input, index);
      io::LoadOptions load = worker.extractor.load_options();
      if (input.start_s) load.decode.offset_s = *input.start_s;
      if (input.duration_s) load.decode.duration_s = *input.duration_s;
      item.start_s = load.decode.offset_s;
      if (const auto previous = find_unchanged(item)) {
        record.item = reusable_->file.items[*previous];
        record.item.index = index;
        record.item.labels = item.labels;
        record.item.group = item.group;
        record.rows = reusable_->file.rows_of(*previous);
        reused = true;
        return record;
      }

      const auto start = Clock::now();
      features::FeatureExtractor::FileAnalysis analysis =
          worker.extractor.analyse_file(input.path, load);
      worker.decode_seconds += analysis.decode_seconds;
      worker.feature_seconds += seconds_since(start) - analysis.decode_seconds;
      item.duration_s = analysis.duration_s;
      record.rows = std::move(analysis.rows);
      check_finite(record.rows, worker.extractor);
      record.item = std::move(item);
    } catch (const Error& error) {
      if (error.kind() != ErrorKind::input) throw;
      record.failed = true;
      record.stage = error.stage().empty() ? "extract" : error.stage();
      record.error = error.cause();
    } catch (const std::bad_alloc&) {
      record.failed = true;
      record.stage = "extract";
      record.error = "out of memory";
    }
    return record;
  }

 private:
  FeatureItem describe(const BatchInput& input, std::int64_t index) const {
    const FileFacts facts = stat_input(input.path);
    FeatureItem item;
    item.path = input.key;
    item.labels = input.labels;
    item.group = input.group;
    item.size_bytes = facts.size;
    item.mtime_ns = facts.mtime_ns;
    item.index = index;
    if (options_.content_hash) {
      try {
        item.content_hash = to_hex(fnv1a64(read_file(input.path)));
      } catch (const Error& error) {
        throw error.with_stage("open");
      }
    }
    return item;
  }

  // The earlier item for this input, if its file is unchanged and read from the same place.
  std::optional<std::size_t> find_unchanged(const FeatureItem& item) const {
    if (!reusable_) return std::nullopt;
    const auto it = reusable_->by_key.find(item.path);
    if (it == reusable_->by_key.end()) return std::nullopt;
    const FeatureItem& old = reusable_->file.items[it->second];
    const bool same = options_.content_hash
                          ? !old.content_hash.empty() && old.content_hash == item.content_hash
                          : old.size_bytes == item.size_bytes && old.mtime_ns == item.mtime_ns;
    if (!same || old.start_s != item.start_s) return std::nullopt;
    return it->second;
  }

  static void check_finite(const dsp::Matrix& rows, const features::FeatureExtractor& extractor) {
    if (rows.allFinite()) return;
    const std::vector<std::string>& names = extractor.output() == features::OutputKind::frames
                                                ? extractor.frame_names()
                                                : extractor.pooled_names();
    for (Eigen::Index c = 0; c < rows.cols(); ++c) {
      if (!rows.col(c).allFinite()) {
        throw Error("feature '" + names.at(static_cast<std::size_t>(c)) +
                        "' is not finite (NaN or Inf): please report this file",
                    ErrorKind::input, {}, "features");
      }
    }
  }

  const ExtractOptions& options_;
  const Reusable* reusable_;
};

std::string run_id_of(const std::string& config_hash, const std::string& inputs_hash,
                      const std::optional<Shard>& shard, bool content_hash) {
  std::string id = config_hash + "-" + inputs_hash;
  if (shard) id += "-shard" + std::to_string(shard->index) + "of" + std::to_string(shard->count);
  if (content_hash) id += "-hash";
  return id;
}

void write_error_log(const fs::path& path, const std::vector<BatchInput>& inputs,
                     const std::vector<const JournalRecord*>& failures) {
  std::string text;
  for (const JournalRecord* failure : failures) {
    const BatchInput& input = inputs[static_cast<std::size_t>(failure->index)];
    text += to_json_line(Json{{"path", input.key},
                              {"file", escape_invalid_utf8(input.path.string())},
                              {"stage", failure->stage},
                              {"error", failure->error}}) +
            "\n";
  }
  write_file_atomically(path, text);
}

}  // namespace

fs::path journal_path(const fs::path& output) {
  return fs::path(output.string() + ".journal");
}

fs::path default_errors_path(const fs::path& output) {
  fs::path path = output;
  path.replace_extension(".errors.jsonl");
  return path;
}

ExtractSummary extract(const ExtractOptions& options, Log& log, std::istream& stdin_stream) {
  const auto start = Clock::now();
  const Json config = read_config(options.config);
  features::FeatureExtractor prototype(config, options.config.string());
  const FeatureLayout layout = layout_of(prototype);

  std::vector<std::string> duplicates;
  const std::vector<BatchInput> inputs =
      gather_inputs(options.inputs, stdin_stream, options.gather, &duplicates);
  for (const std::string& key : duplicates)
    log.warning("listed twice; analysed once", key);
  if (inputs.empty()) {
    throw usage_error("no inputs: name audio files, folders or manifests, or --files-from");
  }
  const std::optional<Shard> shard = options.shard ? options.shard : Shard::from_environment();
  const std::string inputs_hash = hash_inputs(inputs);
  const std::string run_id =
      run_id_of(prototype.config_hash(), inputs_hash, shard, options.content_hash);

  if (options.output.empty()) throw usage_error("no output file (-o FILE)");
  std::error_code code;
  if (options.output.has_parent_path()) fs::create_directories(options.output.parent_path(), code);
  // Before anything is read or written: a second run on the same output stops here.
  const FileLock output_lock(options.lock.empty() ? fs::path(options.output.string() + ".lock")
                                                  : options.lock);
  const fs::path journal_file = journal_path(options.output);
  const std::optional<Reusable> reusable = load_reusable(options, prototype.config_hash(), layout);

  ExtractSummary summary;
  summary.inputs = inputs.size();
  summary.errors_path =
      options.errors.empty() ? default_errors_path(options.output) : options.errors;

  // Finished records by input index: from the checkpoint, then from this run.
  std::vector<std::optional<JournalRecord>> records(inputs.size());
  std::vector<std::size_t> selected;
  for (std::size_t i = 0; i < inputs.size(); ++i)
    if (!shard || shard->contains(inputs[i].key)) selected.push_back(i);
  summary.selected = selected.size();

  bool append = false;
  if (fs::exists(journal_file, code)) {
    if (options.resume) {
      for (JournalRecord& record : Journal::recover(journal_file, run_id)) {
        const auto index = static_cast<std::size_t>(record.index);
        if (index < records.size() && !records[index]) {
          records[index] = std::move(record);
          ++summary.resumed;
        }
      }
      append = true;
      log.info("resuming: " + std::to_string(summary.resumed) + " of " +
               std::to_string(selected.size()) + " inputs were done before the interruption");
    } else {
      log.warning("an interrupted run left a checkpoint; starting afresh (--resume continues it)",
                  journal_file.string());
    }
  }
  std::vector<std::size_t> todo;
  for (const std::size_t index : selected)
    if (!records[index]) todo.push_back(index);

  Journal journal(journal_file, run_id, append);
  const int workers = std::max(1, std::min<int>(options.jobs, static_cast<int>(todo.size())));
  // Each worker builds its own extractor (filter banks, FFT plans) on its first input, so the
  // set-up runs in parallel too.
  std::vector<std::optional<Worker>> pool(static_cast<std::size_t>(workers));
  const Analyser analyser(options, reusable ? &*reusable : nullptr);

  std::mutex mutex;  // guards the journal, the counters and the progress callback
  ExtractProgress progress;
  progress.total = todo.size();
  auto last_flush = Clock::now();
  parallel_for(todo.size(), workers, [&](std::size_t slot, int worker) {
    const std::size_t index = todo[slot];
    bool reused = false;
    std::optional<Worker>& mine = pool[static_cast<std::size_t>(worker)];
    if (!mine) mine.emplace(Worker{features::FeatureExtractor(config, options.config.string())});
    JournalRecord record =
        analyser.analyse(inputs[index], static_cast<std::int64_t>(index), *mine, reused);
    const std::lock_guard<std::mutex> lock(mutex);
    if (record.failed) {
      log.error(Error(record.error, ErrorKind::input, inputs[index].path.string(), record.stage));
      ++progress.failed;
    } else {
      progress.audio_seconds += record.item.duration_s;
      ++(reused ? summary.reused : summary.extracted);
    }
    journal.add(record);
    records[index] = std::move(record);
    ++progress.done;
    if (seconds_since(last_flush) >= options.checkpoint_seconds) {
      journal.flush();
      last_flush = Clock::now();
    }
    if (options.on_progress) {
      progress.elapsed_seconds = seconds_since(start);
      options.on_progress(progress);
    }
  });
  journal.flush();

  FeatureFile file;
  file.layout = layout;
  file.names = layout == FeatureLayout::frames ? prototype.frame_names() : prototype.pooled_names();
  file.config = prototype.config();
  file.config_hash = prototype.config_hash();
  file.mirkit_version = kVersion;
  file.run_inputs = static_cast<std::int64_t>(inputs.size());
  file.run_inputs_hash = inputs_hash;
  file.shard =
      shard ? std::optional<std::pair<int, int>>({shard->index, shard->count}) : std::nullopt;
  std::vector<const JournalRecord*> failures;
  Eigen::Index rows = 0;
  for (const std::size_t index : selected) {
    const JournalRecord& record = *records[index];
    if (record.failed) {
      failures.push_back(&record);
    } else {
      rows += record.rows.rows();
    }
  }
  file.values.resize(rows, static_cast<Eigen::Index>(file.names.size()));
  file.offsets.push_back(0);
  for (const std::size_t index : selected) {
    const JournalRecord& record = *records[index];
    if (record.failed) continue;
    file.values.middleRows(file.offsets.back(), record.rows.rows()) = record.rows;
    file.offsets.push_back(file.offsets.back() + record.rows.rows());
    file.items.push_back(record.item);
    summary.audio_seconds += record.item.duration_s;
  }
  summary.failed = failures.size();

  write_error_log(summary.errors_path, inputs, failures);
  // A shard that no input hashes to is still a shard: it writes an empty file, so a job array
  // with more tasks than inputs succeeds and merge sees all N shards.
  if (file.items.empty() && !selected.empty()) {
    throw fatal_error("none of the " + std::to_string(selected.size()) +
                      " inputs could be read (see " + summary.errors_path.string() +
                      "); no feature file written");
  }
  write_feature_file(options.output, file);
  journal.finish_and_remove();

  for (const std::optional<Worker>& worker : pool) {
    if (!worker) continue;
    summary.decode_seconds += worker->decode_seconds;
    summary.feature_seconds += worker->feature_seconds;
  }
  summary.wall_seconds = seconds_since(start);
  return summary;
}

}  // namespace mirkit::pipeline
