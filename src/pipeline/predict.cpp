#include "mirkit/pipeline/predict.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "label_file.hpp"
#include "mirkit/core/error.hpp"
#include "mirkit/core/file_io.hpp"
#include "mirkit/core/hash.hpp"
#include "mirkit/core/text.hpp"
#include "mirkit/features/extractor.hpp"
#include "mirkit/io/audio_reader.hpp"
#include "mirkit/pipeline/batch_inputs.hpp"
#include "mirkit/pipeline/clip_scorer.hpp"
#include "mirkit/pipeline/dataset.hpp"
#include "mirkit/version.hpp"
#include "row_writer.hpp"

namespace mirkit::pipeline {
namespace fs = std::filesystem;
namespace {

// Size and modification time, or -1 when the file cannot be stat'ed (its error comes later).
InputFacts facts_or_unknown(const fs::path& path) {
  try {
    return stat_input(path);
  } catch (const Error&) {
    return {};
  }
}

std::string range_of(const BatchInput& input) {
  if (!input.start_s && !input.duration_s) return {};
  return (input.start_s ? float_text(static_cast<float>(*input.start_s)) : std::string("-")) + "+" +
         (input.duration_s ? float_text(static_cast<float>(*input.duration_s)) : "-");
}

// The settings that shape a row: an earlier output made with others cannot be kept. A network's
// window spacing is one of them ("half a window" by default, since windows overlap); a classical
// model has none, so its settings are those of the versions before windows could overlap, and a
// nightly --update goes on across the upgrade.
Json row_settings(const PredictOptions& options, bool jsonl, bool network) {
  const Windowing& w = options.windowing;
  Json settings = {
      {"format", jsonl ? "jsonl" : "csv"},
      {"top_k", options.top_k},
      {"segment_s", w.segment_s ? Json(*w.segment_s) : Json(nullptr)},
      {"aggregate", w.aggregate},
      {"per_segment", options.per_segment},
      {"min_prob", options.min_prob ? Json(*options.min_prob) : Json(nullptr)},
      {"unknown_label", options.min_prob ? Json(options.unknown_label) : Json(nullptr)}};
  if (network) settings["hop_s"] = w.hop_s ? Json(*w.hop_s) : Json("half a window");
  return settings;
}

std::string settings_difference(const Json& before, const Json& now) {
  std::string text;
  for (const auto& [name, value] : now.items()) {
    const Json old = before.contains(name) ? before.at(name) : Json(nullptr);
    if (old != value) {
      text += (text.empty() ? "" : ", ") + name + " " + (old.is_null() ? "none" : old.dump()) +
              " then, " + (value.is_null() ? "none" : value.dump()) + " now";
    }
  }
  return text;
}

// The rows of the earlier output this run may keep, by key; a usage Error when its model or
// settings differ.
std::map<std::string, LabelRow> keepable_rows(const PredictOptions& options, const LabelRun& now,
                                              std::vector<LabelRow>& earlier_order, Log& log) {
  std::map<std::string, LabelRow> rows;
  const fs::path& output = options.batch.output;
  std::error_code code;
  if (!fs::exists(output, code) && !fs::exists(label_sidecar_path(output), code)) return rows;
  EarlierLabels earlier = read_earlier_labels(output);
  if (earlier.run.model_hash != now.model_hash) {
    throw usage_error("--update: " + output.string() + " was labelled by model " +
                      earlier.run.model_hash + " (" + earlier.run.model_file +
                      "), this run's model is " + now.model_hash + " (" + now.model_file +
                      "); run without --update to label afresh with the new model");
  }
  if (earlier.run.settings != now.settings || earlier.run.header != now.header) {
    throw usage_error("--update: " + output.string() + " was written with other settings (" +
                      settings_difference(earlier.run.settings, now.settings) +
                      "); run without --update to label afresh");
  }
  if (!earlier.intact) {
    log.warning(
        "the output does not match its sidecar (edited, or cut off by a kill between the "
        "two writes): the rows that do not match are labelled again",
        output.string());
  }
  for (LabelRow& row : earlier.rows) {
    earlier_order.push_back(row);
    rows.emplace(row.key, std::move(row));
  }
  return rows;
}

}  // namespace

PredictSummary predict(const PredictOptions& options, Log& log, std::istream& stdin_stream,
                       std::ostream& out) {
  const fs::path& output = options.batch.output;
  const bool to_stdout = writes_stdout(output);
  const bool jsonl = !to_stdout && output.extension() == ".jsonl";
  const Windowing& windowing = options.windowing;
  if (windowing.segment_s && !(*windowing.segment_s > 0.0)) {
    throw usage_error("--segment must be > 0");
  }
  if (windowing.hop_s && !(*windowing.hop_s > 0.0)) throw usage_error("--hop must be > 0");
  if (options.update && to_stdout) {
    throw usage_error("--update keeps the rows of an output file: name it with -o FILE");
  }

  // Feature files are scored as they are; everything else is audio.
  BatchOptions batch = options.batch;
  std::vector<fs::path> feature_files;
  batch.inputs.paths.clear();
  for (const std::string& path : options.batch.inputs.paths) {
    if (fs::path(path).extension() == ".safetensors") {
      feature_files.emplace_back(path);
    } else {
      batch.inputs.paths.push_back(path);
    }
  }
  if (batch.inputs.paths.empty() && batch.inputs.files_from.empty() && feature_files.empty()) {
    throw usage_error("no inputs: name audio files, folders, manifests or feature files");
  }
  BatchRun run(batch, "predict", log, stdin_stream);
  const std::vector<BatchInput>& inputs = run.inputs();

  const std::unique_ptr<ClipScorer> scorer = ClipScorer::load(options.model);
  LabelRun label_run;
  label_run.model_file = escape_invalid_utf8(options.model.string());
  label_run.model_hash = model_file_hash(options.model);
  RowFormat format{jsonl, options.top_k, options.min_prob, options.unknown_label, {"path"}};
  if (windowing.segment_s) format.keys.push_back("segment");
  const RowWriter writer(*scorer, format, label_run.model_hash);
  // A file's own row: its path, and "all" for the segment when there are segment rows.
  const auto file_keys = [&](const std::string& path) {
    return windowing.segment_s ? std::vector<Json>{path, "all"} : std::vector<Json>{path};
  };
  label_run.recipe_hash = scorer->feature_config_hash();
  label_run.settings = row_settings(options, jsonl, scorer->is_network());
  label_run.header = writer.header();
  std::vector<LabelRow> earlier_order;
  const std::map<std::string, LabelRow> keepable =
      options.update ? keepable_rows(options, label_run, earlier_order, log)
                     : std::map<std::string, LabelRow>{};
  PredictSummary summary;

  // Rows in input order: feature-file items first (in file order), then the audio inputs.
  std::vector<LabelRow> rows;
  for (const fs::path& path : feature_files) {
    FeatureFile features;
    try {
      features = read_feature_file(path);
    } catch (const Error& error) {
      throw usage_error(std::string("predict: ") + error.what());
    }
    if (features.config_hash != scorer->feature_config_hash()) {
      throw usage_error("predict: " + path.string() + " was extracted with config hash " +
                        features.config_hash + ", but " + options.model.string() +
                        " was trained on features of config hash " + scorer->feature_config_hash() +
                        ": give the audio itself, or extract with the model's recipe");
    }
    const dsp::Matrix scores = scorer->score_items(features, windowing);
    for (std::size_t i = 0; i < features.items.size(); ++i) {
      const Eigen::RowVectorXf row = scores.row(static_cast<Eigen::Index>(i));
      LabelRow label_row;
      label_row.key = features.items[i].path;
      label_row.text =
          writer.row(file_keys(features.items[i].path), {row.data(), row.data() + row.size()});
      rows.push_back(std::move(label_row));
      ++summary.predicted;
    }
  }
  const std::size_t first_audio = rows.size();
  std::vector<std::size_t> todo;
  std::set<std::string> current;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const BatchInput& input = inputs[i];
    current.insert(input.key);
    const InputFacts facts = facts_or_unknown(input.path);
    LabelRow row;
    row.key = input.key;
    row.size = facts.size;
    row.mtime_ns = facts.mtime_ns;
    row.range = range_of(input);
    const auto it = keepable.find(input.key);
    if (it != keepable.end() && it->second.same_input(row)) {
      row.text = it->second.text;
      ++summary.kept;
    } else {
      todo.push_back(i);
    }
    rows.push_back(std::move(row));
  }
  // Earlier rows of files that are gone: dropped, or kept last with --keep-missing.
  std::vector<LabelRow> missing;
  for (const LabelRow& row : earlier_order) {
    if (current.count(row.key)) continue;
    ++summary.dropped;
    if (options.keep_missing) missing.push_back(row);
  }
  summary.missing_kept = missing.size();

  const auto written_rows = [&] {
    std::vector<LabelRow> written;
    for (const LabelRow& row : rows)
      if (!row.text.empty()) written.push_back(row);
    written.insert(written.end(), missing.begin(), missing.end());
    return written;
  };
  const auto flush = [&] {
    if (to_stdout) return;
    const std::vector<LabelRow> written = written_rows();
    // The sidecar first: a kill between the two writes leaves rows that fail their checksum,
    // which the next run labels again, never a row it would trust wrongly.
    write_file_atomically(label_sidecar_path(output), render_label_sidecar(label_run, written));
    write_file_atomically(output, render_labels(label_run, written));
  };

  // Audio is analysed with the model's recipe; a model of a data set's own features (the
  // Million Song Dataset's) has none and takes that data set's feature files only.
  if (const DatasetDefinition* source = dataset_of_features(scorer->feature_config())) {
    if (!todo.empty()) {
      throw usage_error("predict: " + options.model.string() + " was trained on " +
                        dataset_title(*source) + " features (mirkit dataset " + source->name +
                        "), not on audio: give it feature files of that data set");
    }
  }
  std::vector<features::FeatureExtractor> extractors;
  if (!todo.empty()) {
    // One extractor built, one copy per worker (sharing its features).
    extractors.reserve(static_cast<std::size_t>(run.workers_for(todo.size())));
    extractors.emplace_back(scorer->feature_config(), options.model.string());
    for (int w = 1; w < run.workers_for(todo.size()); ++w)
      extractors.push_back(extractors.front());
    if (extractors.front().config_hash() != scorer->feature_config_hash()) {
      throw usage_error("predict: " + options.model.string() +
                        ": its feature recipe no longer gives its recorded hash (a model from "
                        "another mirkit version?)");
    }
  }
  std::vector<std::string> texts(inputs.size());
  run.for_each(
      todo,
      [&](std::size_t index, int worker) {
        const BatchInput& input = inputs[index];
        features::FeatureExtractor& extractor = extractors[static_cast<std::size_t>(worker)];
        io::LoadOptions load = extractor.load_options();
        if (input.start_s) load.decode.offset_s = *input.start_s;
        if (input.duration_s) load.decode.duration_s = *input.duration_s;
        const ClipScores scores = scorer->score(extractor, input.path, load, windowing);
        std::string text = writer.row(file_keys(input.key), scores.clip);
        if (options.per_segment && windowing.segment_s) {
          for (Eigen::Index s = 0; s < scores.segments.rows(); ++s) {
            const Eigen::RowVectorXf row = scores.segments.row(s);
            const double start_s =
                scores.starts[static_cast<std::size_t>(s)] + load.decode.offset_s;
            text += writer.row({input.key, start_s}, {row.data(), row.data() + row.size()});
          }
        }
        texts[index] = std::move(text);  // this worker's slot alone
        return 0.0;
      },
      [&](std::size_t index, const Error* failure) {
        if (failure) return;
        rows[first_audio + index].text = std::move(texts[index]);
        ++summary.predicted;
      },
      flush);

  if (to_stdout) {
    out << render_labels(label_run, written_rows()) << std::flush;
  } else {
    flush();
  }
  summary.errors_path = run.write_error_log();
  summary.failed = run.failed();
  summary.files = written_rows().size();
  return summary;
}

}  // namespace mirkit::pipeline
