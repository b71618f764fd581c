// A labels file (predict's CSV or JSON Lines output) and its sidecar, OUTPUT.json, which says
// what made each row: the model's and the recipe's hashes, the settings that shape a row, the
// mirkit version, and per row the input's key, size, modification time and manifest range, with
// the row's length and checksum. With the sidecar a later run (`predict --update`) keeps exactly
// the rows whose file, model and settings are unchanged, whatever bytes the rows hold (a path
// with a newline, a quote, a comma), and labels the rest again. docs/formats.md describes it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "mirkit/core/json.hpp"

namespace mirkit::pipeline {

// What one row (a file's line, and its segments' lines) stands for.
struct LabelRow {
  std::string key;  // the input's path as stored
  std::int64_t size = -1;
  std::int64_t mtime_ns = -1;
  std::string range;  // a manifest's start/duration, "" for the whole file
  std::string text;   // the row's lines, as written

  bool same_input(const LabelRow& other) const {
    return key == other.key && size >= 0 && size == other.size && mtime_ns == other.mtime_ns &&
           range == other.range;
  }
};

struct LabelRun {
  std::string model_file;
  std::string model_hash;
  std::string recipe_hash;
  Json settings;       // what shapes a row: format, columns, segments, open-set threshold
  std::string header;  // CSV's header line; "" for JSON Lines
};

std::filesystem::path label_sidecar_path(const std::filesystem::path& output);

// The rendered output, and its sidecar's text.
std::string render_labels(const LabelRun& run, const std::vector<LabelRow>& rows);
std::string render_label_sidecar(const LabelRun& run, const std::vector<LabelRow>& rows);

// An earlier output and its sidecar, as a later run finds them.
struct EarlierLabels {
  LabelRun run;
  std::vector<LabelRow> rows;  // in their order; each verified against its checksum
  bool intact = true;          // false: the output no longer matches its sidecar (edited?)
};

// Reads `output` with its sidecar. Throws a usage Error naming the file when the output exists
// without a sidecar, or the sidecar is not one of ours.
EarlierLabels read_earlier_labels(const std::filesystem::path& output);

}  // namespace mirkit::pipeline
