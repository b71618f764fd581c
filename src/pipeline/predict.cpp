#include "mirkit/pipeline/predict.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <mutex>
#include <set>
#include <sstream>

#include "clip_scorer.hpp"
#include "mirkit/core/error.hpp"
#include "mirkit/core/file_io.hpp"
#include "mirkit/core/file_lock.hpp"
#include "mirkit/core/parallel.hpp"
#include "mirkit/core/text.hpp"
#include "mirkit/features/extractor.hpp"
#include "mirkit/io/audio_reader.hpp"

namespace mirkit::pipeline {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

// One output row before it is written: the file (its key), the segment start ("" for the file's
// own row) and the scores.
struct Prediction {
  std::string path;
  std::string segment;
  std::vector<float> scores;
};

class RowWriter {
 public:
  RowWriter(const ClipScorer& model, bool jsonl, int top_k, bool segments)
      : model_(model), jsonl_(jsonl), top_k_(top_k), segments_(segments) {}

  std::string header() const {
    if (jsonl_) return {};
    std::string line = "path";
    if (segments_) line += ",segment";
    line += ",label";
    if (top_k_ > 0) {
      for (int k = 1; k <= top_k_; ++k)
        line += ",top" + std::to_string(k) + ",p" + std::to_string(k);
    } else {
      for (const std::string& name : model_.classes())
        line += "," + csv_field(name);
    }
    return line + "\n";
  }

  std::string row(const Prediction& p) const {
    const std::vector<std::size_t> order = ranked(p.scores);
    const std::vector<std::string> labels = chosen(p.scores, order);
    const std::size_t shown =
        top_k_ > 0 ? std::min<std::size_t>(static_cast<std::size_t>(top_k_), order.size())
                   : order.size();
    if (jsonl_) {
      Json line = {{"path", p.path}};
      if (segments_) line["segment"] = p.segment.empty() ? Json("all") : Json(std::stod(p.segment));
      line["label"] = model_.multi_label() ? Json(labels) : Json(labels.front());
      if (top_k_ > 0) {
        Json top = Json::array();
        for (std::size_t k = 0; k < shown; ++k)
          top.push_back({model_.classes()[order[k]], p.scores[order[k]]});
        line["top"] = top;
      } else {
        Json probabilities = Json::object();
        for (std::size_t c = 0; c < model_.classes().size(); ++c)
          probabilities[model_.classes()[c]] = p.scores[c];
        line["probabilities"] = probabilities;
      }
      return to_json_line(line) + "\n";
    }
    std::string label;
    for (std::size_t i = 0; i < labels.size(); ++i)
      label += (i ? ";" : "") + labels[i];
    std::string line = csv_field(p.path);
    if (segments_) line += "," + (p.segment.empty() ? std::string("all") : p.segment);
    line += "," + csv_field(label);
    if (top_k_ > 0) {
      for (std::size_t k = 0; k < static_cast<std::size_t>(top_k_); ++k) {
        line += k < shown ? "," + csv_field(model_.classes()[order[k]]) + "," +
                                float_text(p.scores[order[k]])
                          : std::string(",,");
      }
    } else {
      for (const float score : p.scores)
        line += "," + float_text(score);
    }
    return line + "\n";
  }

 private:
  std::vector<std::size_t> ranked(const std::vector<float>& scores) const {
    std::vector<std::size_t> order(scores.size());
    for (std::size_t c = 0; c < order.size(); ++c)
      order[c] = c;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
    return order;
  }

  // Single-label: the most probable class. Multi-label: every tag at or above its threshold.
  std::vector<std::string> chosen(const std::vector<float>& scores,
                                  const std::vector<std::size_t>& order) const {
    if (!model_.multi_label()) return {model_.classes()[order.front()]};
    std::vector<std::string> tags;
    for (std::size_t t = 0; t < scores.size(); ++t) {
      if (scores[t] >= model_.thresholds()[t]) tags.push_back(model_.classes()[t]);
    }
    return tags;
  }

  const ClipScorer& model_;
  bool jsonl_;
  int top_k_;
  bool segments_;
};

std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.3f", seconds);
  return text;
}

// The rows of an earlier output, by file, for --resume: each file's lines as they were written.
struct EarlierRows {
  std::vector<std::string> order;                         // files, in their first appearance
  std::map<std::string, std::vector<std::string>> lines;  // file → its lines
};

std::string first_field(const std::string& line, bool jsonl) {
  if (jsonl) return Json::parse(line).at("path").get<std::string>();
  if (line.empty() || line[0] != '"') return line.substr(0, line.find(','));
  std::string field;
  for (std::size_t i = 1; i < line.size(); ++i) {
    if (line[i] == '"') {
      if (i + 1 < line.size() && line[i + 1] == '"') {
        field += '"';
        ++i;
      } else {
        break;
      }
    } else {
      field += line[i];
    }
  }
  return field;
}

EarlierRows read_earlier(const fs::path& output, bool jsonl, const std::string& header) {
  EarlierRows earlier;
  std::error_code code;
  if (output.empty() || !fs::exists(output, code)) return earlier;
  std::istringstream in(read_file(output));
  std::string line;
  if (!jsonl) {
    std::getline(in, line);
    if (line + "\n" != header) {
      throw usage_error("--resume: " + output.string() +
                        " has other columns than this run writes; remove it or run without "
                        "--resume");
    }
  }
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::string path;
    try {
      path = first_field(line, jsonl);
    } catch (const Json::exception&) {
      throw usage_error("--resume: " + output.string() + " holds a line that is not JSON");
    }
    if (!earlier.lines.count(path)) earlier.order.push_back(path);
    earlier.lines[path].push_back(line + "\n");
  }
  return earlier;
}

}  // namespace

PredictSummary predict(const PredictOptions& options, Log& log, std::istream& stdin_stream) {
  const auto start = Clock::now();
  const std::unique_ptr<ClipScorer> scorer = ClipScorer::load(options.model);
  const bool jsonl = options.output.extension() == ".jsonl";
  if (options.segment_s && !(*options.segment_s > 0.0)) throw usage_error("--segment must be > 0");
  const RowWriter writer(*scorer, jsonl, options.top_k, options.segment_s.has_value());

  // Feature files are scored as they are; everything else is audio.
  io::InputSpec audio_spec = options.inputs;
  std::vector<fs::path> feature_files;
  audio_spec.paths.clear();
  for (const std::string& path : options.inputs.paths) {
    if (fs::path(path).extension() == ".safetensors") {
      feature_files.emplace_back(path);
    } else {
      audio_spec.paths.push_back(path);
    }
  }
  const std::vector<BatchInput> inputs =
      audio_spec.paths.empty() && audio_spec.files_from.empty()
          ? std::vector<BatchInput>{}
          : gather_inputs(audio_spec, stdin_stream, options.gather);
  if (inputs.empty() && feature_files.empty()) {
    throw usage_error("no inputs: name audio files, folders, manifests or feature files");
  }

  std::optional<FileLock> output_lock;
  if (!options.lock.empty() || !options.output.empty()) {
    output_lock.emplace(options.lock.empty() ? fs::path(options.output.string() + ".lock")
                                             : options.lock);
  }
  const std::string header = writer.header();
  const EarlierRows earlier =
      options.resume ? read_earlier(options.output, jsonl, header) : EarlierRows{};
  PredictSummary summary;

  // Rows by input: feature-file items first (in file order), then the audio inputs.
  std::vector<std::string> keys;
  std::vector<std::vector<std::string>> rows;  // rendered lines per input, empty until done
  std::vector<bool> done;
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
    const dsp::Matrix scores = scorer->score_items(features, options.aggregate);
    for (std::size_t i = 0; i < features.items.size(); ++i) {
      const Eigen::RowVectorXf row = scores.row(static_cast<Eigen::Index>(i));
      keys.push_back(features.items[i].path);
      rows.push_back(
          {writer.row({features.items[i].path, "", {row.data(), row.data() + row.size()}})});
      done.push_back(true);
      ++summary.predicted;
    }
  }
  const std::size_t first_audio = keys.size();
  for (const BatchInput& input : inputs) {
    keys.push_back(input.key);
    const auto it = earlier.lines.find(input.key);
    rows.push_back(it == earlier.lines.end() ? std::vector<std::string>{} : it->second);
    done.push_back(it != earlier.lines.end());
    summary.resumed += it != earlier.lines.end();
  }

  std::mutex mutex;
  std::vector<std::string> failures;  // error log lines, by input
  failures.resize(keys.size());
  const auto write_output = [&] {
    std::string text = header;
    std::set<std::string> current(keys.begin(), keys.end());
    for (const std::string& path : earlier.order)  // earlier rows of files not in this run
      if (!current.count(path))
        for (const std::string& line : earlier.lines.at(path))
          text += line;
    for (std::size_t i = 0; i < keys.size(); ++i)
      for (const std::string& line : rows[i])
        text += line;
    return text;
  };
  const auto flush = [&] {
    if (!options.output.empty()) write_file_atomically(options.output, write_output());
  };

  std::vector<std::size_t> todo;
  for (std::size_t i = first_audio; i < keys.size(); ++i)
    if (!done[i]) todo.push_back(i);
  const int workers = std::max(1, std::min<int>(options.jobs, static_cast<int>(todo.size())));
  std::vector<features::FeatureExtractor> extractors;
  for (int w = 0; w < workers; ++w)
    extractors.emplace_back(scorer->feature_config(), options.model.string());
  if (extractors.front().config_hash() != scorer->feature_config_hash()) {
    throw usage_error("predict: " + options.model.string() +
                      ": its feature recipe no longer gives its recorded hash (a model from "
                      "another mirkit version?)");
  }
  auto last_flush = Clock::now();
  std::size_t finished = 0;
  parallel_for(todo.size(), workers, [&](std::size_t slot, int worker) {
    const std::size_t index = todo[slot];
    const BatchInput& input = inputs[index - first_audio];
    features::FeatureExtractor& extractor = extractors[static_cast<std::size_t>(worker)];
    std::vector<std::string> lines;
    std::string failure;
    try {
      io::LoadOptions load = extractor.load_options();
      if (input.start_s) load.decode.offset_s = *input.start_s;
      if (input.duration_s) load.decode.duration_s = *input.duration_s;
      const ClipScores scores =
          scorer->score(extractor, input.path, load, options.segment_s, options.aggregate);
      lines.push_back(writer.row({input.key, "", scores.clip}));
      if (options.per_segment && options.segment_s) {
        for (Eigen::Index s = 0; s < scores.segments.rows(); ++s) {
          const Eigen::RowVectorXf row = scores.segments.row(s);
          const double start_s = scores.starts[static_cast<std::size_t>(s)] + load.decode.offset_s;
          lines.push_back(writer.row(
              {input.key, seconds_text(start_s), {row.data(), row.data() + row.size()}}));
        }
      }
    } catch (const Error& error) {
      if (error.kind() != ErrorKind::input) throw;
      const Error named = Error(error.cause(), ErrorKind::input, input.path.string(),
                                error.stage().empty() ? "predict" : error.stage());
      log.error(named);
      failure = to_json_line(Json{{"path", input.key},
                                  {"file", escape_invalid_utf8(input.path.string())},
                                  {"stage", named.stage()},
                                  {"error", named.cause()}}) +
                "\n";
    }
    const std::lock_guard<std::mutex> lock(mutex);
    rows[index] = std::move(lines);
    failures[index] = std::move(failure);
    ++finished;
    if (!failures[index].empty()) {
      ++summary.failed;
    } else {
      ++summary.predicted;
    }
    if (std::chrono::duration<double>(Clock::now() - last_flush).count() >=
        options.checkpoint_seconds) {
      flush();
      last_flush = Clock::now();
    }
    if (options.on_progress) {
      options.on_progress(finished, todo.size(), summary.failed,
                          std::chrono::duration<double>(Clock::now() - start).count());
    }
  });

  if (options.output.empty()) {
    const std::string text = write_output();
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
  } else {
    flush();
  }
  const fs::path errors_path = !options.errors.empty() ? options.errors
                               : options.output.empty()
                                   ? fs::path()
                                   : fs::path(options.output).replace_extension(".errors.jsonl");
  if (!errors_path.empty()) {
    std::string text;
    for (const std::string& line : failures)
      text += line;
    write_file_atomically(errors_path, text);
  }
  summary.files = keys.size() - summary.failed;
  return summary;
}

}  // namespace mirkit::pipeline
