// Manifests: the list of a batch's inputs with their labels, as CSV or JSON Lines.
//
//   CSV    path,label[,group][,start][,duration]    (RFC 4180 quoting; a header row optional;
//          a line starting with # is a comment)
//   JSONL  {"path": "a.wav", "label": "rock", "group": "artist7", "start": 30, "duration": 10}
//
// A `split` column gives the data set's own split of each item: train (or training), validation
// (valid, val) or test; train never uses a test item, evaluate scores only those (docs/formats.md).
// "file" may name the path, "labels" or "tags" the labels. Other columns (an artist, a year, a
// data set's own ids) are ignored and reported, so a manifest as users have it reads; a name
// within typing distance of a known one ("lable") is refused instead, since ignoring it would
// silently drop what it holds.
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
  std::string split;  // the data set's own split: "train", "validation", "test"; empty: none
};

// True for .csv and .jsonl (the endings an input is read as a manifest by).
bool is_manifest(const std::filesystem::path& path);

struct Manifest {
  std::vector<ManifestEntry> entries;
  std::vector<std::string> ignored;  // columns or keys not read, in order of first appearance
};

// Throws a usage Error naming the file, the line and the column or key that is wrong.
Manifest read_manifest(const std::filesystem::path& path);

// "ignoring columns 'artist', 'year' (mirkit reads …)": the note for Manifest::ignored.
std::string ignored_columns_note(const std::vector<std::string>& ignored);

// "train", "validation" or "test" for the names data sets use for them (train / training,
// validation / valid / val / dev, test), whatever their case; empty for anything else.
std::string canonical_split(const std::string& name);

// Splits "a;b;c" into labels, dropping empty ones and surrounding spaces.
std::vector<std::string> split_labels(const std::string& text);

}  // namespace mirkit::io
