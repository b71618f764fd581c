#include "row_writer.hpp"

#include <algorithm>
#include <cstdio>

#include "mirkit/core/error.hpp"
#include "mirkit/core/file_io.hpp"
#include "mirkit/core/hash.hpp"
#include "mirkit/core/text.hpp"
#include "mirkit/version.hpp"

namespace mirkit::pipeline {
namespace {

// A time key: to the millisecond, in CSV and JSON alike.
std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.3f", seconds);
  return text;
}

std::string csv_key(const Json& key) {
  return key.is_string() ? csv_field(key.get<std::string>()) : seconds_text(key.get<double>());
}

Json json_key(const Json& key) {
  return key.is_string() ? key : Json(std::stod(seconds_text(key.get<double>())));
}

}  // namespace

std::string model_file_hash(const std::filesystem::path& model) {
  try {
    return to_hex(fnv1a64(read_file(model)));
  } catch (const Error& error) {
    throw usage_error("predict: " + std::string(error.what()));
  }
}

RowWriter::RowWriter(const ClipScorer& model, RowFormat format, std::string model_hash)
    : model_(model), format_(std::move(format)), model_hash_(std::move(model_hash)) {}

std::string RowWriter::header() const {
  if (format_.jsonl) return {};
  std::string line = join(format_.keys, ",") + ",label";
  if (format_.top_k > 0) {
    for (int k = 1; k <= format_.top_k; ++k)
      line += ",top" + std::to_string(k) + ",p" + std::to_string(k);
  } else {
    for (const std::string& name : model_.classes())
      line += "," + csv_field(name);
  }
  return line + "\n";
}

std::string RowWriter::row(const std::vector<Json>& keys, const std::vector<float>& scores) const {
  const std::vector<std::size_t> order = ranked(scores);
  const std::vector<std::string> labels = chosen(scores, order);
  const int top_k = format_.top_k;
  const std::size_t shown =
      top_k > 0 ? std::min<std::size_t>(static_cast<std::size_t>(top_k), order.size())
                : order.size();
  if (format_.jsonl) {
    Json line = Json::object();
    for (std::size_t k = 0; k < keys.size(); ++k)
      line[format_.keys[k]] = json_key(keys[k]);
    line["label"] =
        model_.multi_label() && !unknown(scores, order) ? Json(labels) : Json(labels.front());
    if (top_k > 0) {
      Json top = Json::array();
      for (std::size_t k = 0; k < shown; ++k)
        top.push_back({model_.classes()[order[k]], float_for_json(scores[order[k]])});
      line["top"] = top;
    } else {
      Json probabilities = Json::object();
      for (std::size_t c = 0; c < model_.classes().size(); ++c)
        probabilities[model_.classes()[c]] = float_for_json(scores[c]);
      line["probabilities"] = probabilities;
    }
    // Provenance in every row (CSV keeps it in the sidecar): what labelled it, from what.
    line["model_hash"] = model_hash_;
    line["recipe_hash"] = model_.feature_config_hash();
    line["mirkit_version"] = kVersion;
    return to_json_line(line) + "\n";
  }
  std::string label;
  for (std::size_t i = 0; i < labels.size(); ++i)
    label += (i ? ";" : "") + labels[i];
  std::string line;
  for (std::size_t k = 0; k < keys.size(); ++k)
    line += (k ? "," : "") + csv_key(keys[k]);
  line += "," + csv_field(label);
  if (top_k > 0) {
    for (std::size_t k = 0; k < static_cast<std::size_t>(top_k); ++k) {
      line += k < shown
                  ? "," + csv_field(model_.classes()[order[k]]) + "," + float_text(scores[order[k]])
                  : std::string(",,");
    }
  } else {
    for (const float score : scores)
      line += "," + float_text(score);
  }
  return line + "\n";
}

std::vector<std::size_t> RowWriter::ranked(const std::vector<float>& scores) const {
  std::vector<std::size_t> order(scores.size());
  for (std::size_t c = 0; c < order.size(); ++c)
    order[c] = c;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
  return order;
}

// Open set: the most probable class is below min_prob, so the model does not know this one.
bool RowWriter::unknown(const std::vector<float>& scores,
                        const std::vector<std::size_t>& order) const {
  return format_.min_prob && !order.empty() && scores[order.front()] < *format_.min_prob;
}

// Single-label: the most probable class. Multi-label: every tag at or above its threshold.
// Either way the unknown label when the open-set threshold says so.
std::vector<std::string> RowWriter::chosen(const std::vector<float>& scores,
                                           const std::vector<std::size_t>& order) const {
  if (unknown(scores, order)) return {format_.unknown_label};
  if (!model_.multi_label()) return {model_.classes()[order.front()]};
  std::vector<std::string> tags;
  for (std::size_t t = 0; t < scores.size(); ++t) {
    if (scores[t] >= model_.thresholds()[t]) tags.push_back(model_.classes()[t]);
  }
  return tags;
}

}  // namespace mirkit::pipeline
