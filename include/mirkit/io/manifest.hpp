// Manifests: the list of a batch's inputs with their labels, as CSV or JSON Lines.
//
//   CSV    path,label[,group][,start][,duration]    (RFC 4180 quoting; a header row optional)
//   JSONL  {"path": "a.wav", "label": "rock", "group": "artist7", "start": 30, "duration": 10}
//
// A multi-label item lists its labels as "a;b;c" in CSV, or as a list ("label": ["a", "b"]) in
// JSONL. Relative paths are relative to the manifest's own folder, so a manifest travels with its
// data set.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace mirkit::io {

struct ManifestEntry {
  std::filesystem::path path;
  std::vector<std::string> labels;  // empty: unlabelled
  std::string group;                // track / artist / album id; empty: none
  std::optional<double> start_s;    // read from here (seconds); none: the config's offset
  std::optional<double> duration_s;
};

// True for .csv and .jsonl (the endings an input is read as a manifest by).
bool is_manifest(const std::filesystem::path& path);

// Throws a usage Error naming the file, the line and the column or key that is wrong.
std::vector<ManifestEntry> read_manifest(const std::filesystem::path& path);

// Splits "a;b;c" into labels, dropping empty ones and surrounding spaces.
std::vector<std::string> split_labels(const std::string& text);

}  // namespace mirkit::io
