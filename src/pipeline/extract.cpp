#include "mirkit/pipeline/extract.hpp"

#include <chrono>
#include <cmath>
#include <map>
#include <memory>

#include "mirkit/core/error.hpp"
#include "mirkit/core/file_io.hpp"
#include "mirkit/core/hash.hpp"
#include "mirkit/core/text.hpp"
#include "mirkit/features/extractor.hpp"
#include "mirkit/io/audio_reader.hpp"
#include "mirkit/pipeline/batch_inputs.hpp"
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

// The items of an earlier feature file, by key, for --update; its rows are read when reused.
struct Reusable {
  std::unique_ptr<FeatureFileReader> file;
  std::map<std::string, std::size_t> by_key;
};

std::optional<Reusable> load_reusable(const ExtractOptions& options, const std::string& config_hash,
                                      FeatureLayout layout) {
  if (!options.update) return std::nullopt;
  std::error_code code;
  if (!fs::exists(*options.update, code)) return std::nullopt;  // first run of a cron job
  Reusable reusable;
  try {
    reusable.file = std::make_unique<FeatureFileReader>(*options.update);
  } catch (const Error& error) {
    throw usage_error("--update: " + std::string(error.what()));
  }
  const FeatureFile& old = reusable.file->header();
  if (old.config_hash != config_hash || old.layout != layout) {
    throw usage_error("--update " + options.update->string() + ": made with config hash " +
                      old.config_hash + ", this config's is " + config_hash +
                      "; extract afresh (without --update) to change the features");
  }
  for (std::size_t i = 0; i < old.items.size(); ++i)
    reusable.by_key.emplace(old.items[i].path, i);
  return reusable;
}

// Everything one worker needs, and the time it spent where.
struct Worker {
  features::FeatureExtractor extractor;
  double decode_seconds = 0.0;
  double feature_seconds = 0.0;
};

class Analyser {
 public:
  static constexpr std::int64_t kReusedRowsPerPart = features::FeatureExtractor::kPieceFrames;

  Analyser(const ExtractOptions& options, const Reusable* reusable)
      : options_(options), reusable_(reusable) {}

  // One input → its record. An input Error is that input's failure (BatchRun records it). A
  // long file's frames go to the journal as they are computed (the record lists where).
  JournalRecord analyse(const BatchInput& input, std::int64_t index, Worker& worker,
                        Journal& journal, bool& reused) const {
    JournalRecord record;
    record.index = index;
    reused = false;
    FeatureItem item = describe(input, index);
    io::LoadOptions load = worker.extractor.load_options();
    if (input.start_s) load.decode.offset_s = *input.start_s;
    if (input.duration_s) load.decode.duration_s = *input.duration_s;
    item.start_s = load.decode.offset_s;
    if (const auto previous = find_unchanged(item)) {
      record.item = reusable_->file->header().items[*previous];
      record.item.index = index;
      record.item.labels = item.labels;
      record.item.group = item.group;
      record.item.split = item.split;
      // Copied to the journal part by part: a long item's rows are never held whole.
      const FeatureFile& old = reusable_->file->header();
      const std::int64_t rows = old.offsets[*previous + 1] - old.offsets[*previous];
      for (std::int64_t first = 0; first < rows; first += kReusedRowsPerPart) {
        const std::int64_t count = std::min(kReusedRowsPerPart, rows - first);
        record.parts.push_back(
            journal.add_rows(index, reusable_->file->rows_of(*previous, first, count)));
      }
      record.cols = static_cast<std::int64_t>(old.dims());
      reused = true;
      return record;
    }

    const auto start = Clock::now();
    const auto stream = [&](const dsp::Matrix& rows) {
      check_finite(rows, worker.extractor);
      record.parts.push_back(journal.add_rows(index, rows));
      record.cols = rows.cols();
    };
    features::FeatureExtractor::FileAnalysis analysis = worker.extractor.analyse_file(
        input.path, load, features::FeatureExtractor::kPieceFrames, stream);
    worker.decode_seconds += analysis.decode_seconds;
    worker.feature_seconds += seconds_since(start) - analysis.decode_seconds;
    item.duration_s = analysis.duration_s;
    record.rows = std::move(analysis.rows);
    check_finite(record.rows, worker.extractor);
    record.item = std::move(item);
    return record;
  }

 private:
  FeatureItem describe(const BatchInput& input, std::int64_t index) const {
    const InputFacts facts = stat_input(input.path);
    FeatureItem item;
    item.path = input.key;
    item.labels = input.labels;
    item.group = input.group;
    item.split = input.split;
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
    const FeatureItem& old = reusable_->file->header().items[it->second];
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

// The finished record of each input, by input index: from the checkpoint, then from this run.
using Records = std::vector<std::optional<JournalRecord>>;

// With --resume, the checkpoint's records (its failures counted as this run's); without, a
// warning that one was left. Returns whether the journal is to be appended to.
bool recover_checkpoint(const ExtractOptions& options, const fs::path& journal_file,
                        const std::string& run_id, BatchRun& run, Records& records,
                        ExtractSummary& summary, Log& log) {
  std::error_code code;
  if (!fs::exists(journal_file, code)) return false;
  if (!options.resume) {
    log.warning("an interrupted run left a checkpoint; starting afresh (--resume continues it)",
                journal_file.string());
    return false;
  }
  const std::vector<BatchInput>& inputs = run.inputs();
  for (JournalRecord& record : Journal::recover(journal_file, run_id)) {
    const auto index = static_cast<std::size_t>(record.index);
    if (index >= records.size() || records[index]) continue;
    if (record.failed) {
      run.add_failure(
          index, Error(record.error, ErrorKind::input, inputs[index].path.string(), record.stage));
    }
    records[index] = std::move(record);
    ++summary.resumed;
  }
  log.info("resuming: " + std::to_string(summary.resumed) + " of " +
           std::to_string(summary.selected) + " inputs were done before the interruption");
  return true;
}

// Analyses the inputs not yet done, on the run's threads, each record into the journal as it
// finishes (in input order). Adds each worker's decode and feature time to the summary.
void analyse_remaining(const ExtractOptions& options, const features::FeatureExtractor& prototype,
                       const Reusable* reusable, BatchRun& run, Journal& journal, Records& records,
                       ExtractSummary& summary) {
  std::vector<std::size_t> todo;
  for (const std::size_t index : run.selected())
    if (!records[index]) todo.push_back(index);
  // Each worker copies the prototype on its first input: the features (filter banks, kernels)
  // are built once and shared, each worker's STFT and buffers are its own.
  std::vector<std::optional<Worker>> pool(static_cast<std::size_t>(run.workers_for(todo.size())));
  std::vector<char> reused(records.size(), 0);
  const Analyser analyser(options, reusable);
  run.for_each(
      todo,
      [&](std::size_t index, int worker) {
        std::optional<Worker>& mine = pool[static_cast<std::size_t>(worker)];
        if (!mine) mine.emplace(Worker{prototype});
        bool was_reused = false;
        JournalRecord record = analyser.analyse(
            run.inputs()[index], static_cast<std::int64_t>(index), *mine, journal, was_reused);
        const double seconds = record.item.duration_s;
        records[index] = std::move(record);  // this worker's slot alone
        reused[index] = was_reused;
        return seconds;
      },
      [&](std::size_t index, const Error* failure) {
        if (failure) {
          JournalRecord record;
          record.index = static_cast<std::int64_t>(index);
          record.failed = true;
          record.stage = failure->stage();
          record.error = failure->cause();
          records[index] = std::move(record);
        } else {
          ++(reused[index] ? summary.reused : summary.extracted);
        }
        journal.add(*records[index]);
      },
      [&] { journal.flush(); });
  journal.flush();
  for (const std::optional<Worker>& worker : pool) {
    if (!worker) continue;
    summary.decode_seconds += worker->decode_seconds;
    summary.feature_seconds += worker->feature_seconds;
  }
}

// The feature file of this run (or shard) without its rows: every input that did not fail, in
// input order, with the offsets of its rows. The items are moved out of `records`.
FeatureFile describe_output(const features::FeatureExtractor& prototype, FeatureLayout layout,
                            const BatchRun& run, const std::string& inputs_hash, Records& records,
                            ExtractSummary& summary) {
  FeatureFile file;
  file.layout = layout;
  file.names = layout == FeatureLayout::frames ? prototype.frame_names() : prototype.pooled_names();
  file.config = prototype.config();
  file.config_hash = prototype.config_hash();
  file.mirkit_version = kVersion;
  file.run_inputs = static_cast<std::int64_t>(run.inputs().size());
  file.run_inputs_hash = inputs_hash;
  const std::optional<Shard>& shard = run.shard();
  file.shard =
      shard ? std::optional<std::pair<int, int>>({shard->index, shard->count}) : std::nullopt;
  file.offsets.push_back(0);
  for (const std::size_t index : run.selected()) {
    JournalRecord& record = *records[index];
    if (record.failed) continue;
    file.offsets.push_back(file.offsets.back() + record.row_count());
    summary.audio_seconds += record.item.duration_s;
    file.items.push_back(std::move(record.item));
  }
  return file;
}

// Writes `file` with its rows read back from the journal part by part: the batch is never held
// in memory whole, however many inputs or hours it has.
void write_from_journal(const fs::path& output, const FeatureFile& file, const BatchRun& run,
                        const Records& records, const Journal& journal) {
  FeatureFileWriter writer(output, file);
  const auto dims = static_cast<std::int64_t>(file.names.size());
  std::vector<float> buffer;
  for (const std::size_t index : run.selected()) {
    const JournalRecord& record = *records[index];
    if (record.failed) continue;
    for (const RowsPart& part : record.parts) {
      if (record.cols != dims) {
        throw fatal_error("the checkpoint holds " + std::to_string(record.cols) + " columns for " +
                          record.item.path + " where the recipe makes " + std::to_string(dims));
      }
      buffer.resize(static_cast<std::size_t>(part.rows * dims));
      journal.read_rows(part, dims, buffer);
      writer.append_rows(buffer);
    }
  }
  writer.commit();
}

}  // namespace

fs::path journal_path(const fs::path& output) {
  return fs::path(output.string() + ".journal");
}

ExtractSummary extract(const ExtractOptions& options, Log& log, std::istream& stdin_stream) {
  const Json config = read_config(options.config);
  features::FeatureExtractor prototype(config, options.config.string());
  const FeatureLayout layout = layout_of(prototype);
  const io::InputSpec& spec = options.batch.inputs;
  if (spec.paths.empty() && spec.files_from.empty()) {
    throw usage_error("no inputs: name audio files, folders or manifests, or --files-from");
  }
  if (writes_stdout(options.batch.output)) {
    throw usage_error("extract writes a feature file: name it with -o FILE.safetensors");
  }
  BatchOptions batch = options.batch;
  if (!batch.shard) batch.shard = Shard::from_environment();
  BatchRun run(batch, "extract", log, stdin_stream);
  const std::string inputs_hash = hash_inputs(run.inputs());
  const std::string run_id =
      run_id_of(prototype.config_hash(), inputs_hash, run.shard(), options.content_hash);
  const fs::path journal_file = journal_path(batch.output);
  const std::optional<Reusable> reusable = load_reusable(options, prototype.config_hash(), layout);

  ExtractSummary summary;
  summary.inputs = run.inputs().size();
  summary.selected = run.selected().size();
  Records records(run.inputs().size());
  const bool append = recover_checkpoint(options, journal_file, run_id, run, records, summary, log);
  Journal journal(journal_file, run_id, append);
  analyse_remaining(options, prototype, reusable ? &*reusable : nullptr, run, journal, records,
                    summary);

  const FeatureFile file = describe_output(prototype, layout, run, inputs_hash, records, summary);
  summary.failed = run.failed();
  summary.items = file.items.size();
  summary.errors_path = run.write_error_log();
  // A shard that no input hashes to is still a shard: it writes an empty file, so a job array
  // with more tasks than inputs succeeds and merge sees all N shards. So does an inbox that is
  // empty tonight.
  if (file.items.empty() && !run.selected().empty()) {
    journal.finish_and_remove();  // every input failed: nothing to resume
    throw fatal_error("none of the " + std::to_string(run.selected().size()) +
                      " inputs could be read (see " + summary.errors_path.string() +
                      "); no feature file written");
  }
  write_from_journal(batch.output, file, run, records, journal);
  journal.finish_and_remove();
  summary.wall_seconds = run.elapsed_seconds();
  return summary;
}

}  // namespace mirkit::pipeline
