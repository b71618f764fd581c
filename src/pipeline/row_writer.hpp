// Internal: one row of predictions as `predict` writes it — the key columns (the file, its
// segment, or a stream's time), the label (several tags, or the unknown label of open-set
// labelling) and the scores (every class's, or the top k) — as CSV or as a JSON line.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "mirkit/core/json.hpp"
#include "mirkit/pipeline/clip_scorer.hpp"

namespace mirkit::pipeline {

struct RowFormat {
  bool jsonl = false;
  int top_k = 0;  // 0: every class's probability
  std::optional<double> min_prob;
  std::string unknown_label = "unknown";
  std::vector<std::string> keys;  // the first columns: {"path"}, {"path", "segment"}, {"time_s"}
};

// The model file's hash as rows and sidecars record it (which model labelled them).
std::string model_file_hash(const std::filesystem::path& model);

class RowWriter {
 public:
  RowWriter(const ClipScorer& model, RowFormat format, std::string model_hash);

  std::string header() const;  // CSV's first line; empty for JSON lines
  // One value per key column: a string, or a time in seconds (written to the millisecond).
  std::string row(const std::vector<Json>& keys, const std::vector<float>& scores) const;

 private:
  std::vector<std::size_t> ranked(const std::vector<float>& scores) const;
  bool unknown(const std::vector<float>& scores, const std::vector<std::size_t>& order) const;
  std::vector<std::string> chosen(const std::vector<float>& scores,
                                  const std::vector<std::size_t>& order) const;

  const ClipScorer& model_;
  RowFormat format_;
  std::string model_hash_;
};

}  // namespace mirkit::pipeline
