// `mirkit dataset NAME ROOT`: a standard data set, read as it is distributed, as a manifest that
// extract, split, train and evaluate understand (path, label or tags, group, split), with the
// split the literature uses. docs/datasets.md gives each adapter's conventions and sources.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "mirkit/core/log.hpp"
#include "mirkit/core/registry.hpp"

namespace mirkit::pipeline {

struct DatasetItem {
  std::string path;  // relative to the manifest's folder when it lies under it
  std::vector<std::string> labels;
  std::string group;  // artist, album or track where the data set knows it
  std::string split;  // train, validation or test
};

struct DatasetManifest {
  std::vector<DatasetItem> items;
  // What was left out and why (a repeated excerpt, an unreadable file): written as comment lines
  // at the top of the manifest, never dropped silently.
  std::vector<std::string> notes;
  std::vector<std::string> warnings;  // said on stderr too (e.g. a split known to inflate scores)
  bool multi_label = false;
};

struct DatasetDefinition {
  std::string name;
  std::string description;            // one line, with the layout it expects
  std::vector<std::string> splits;    // the conventions --split takes, the default first
  std::vector<std::string> tag_sets;  // what --tags takes, the default first; empty: no tags
  // Reads `root` (a usage Error naming the file it expected when the root does not look like
  // the data set) with the split convention `split` and the tag set `tags`.
  std::function<DatasetManifest(const std::filesystem::path& root, const std::string& split,
                                const std::string& tags)>
      read;
};

using DatasetRegistry = Registry<DatasetDefinition>;
const DatasetRegistry& dataset_registry();

struct DatasetOptions {
  std::string name;
  std::filesystem::path root;
  std::filesystem::path output;  // a .csv manifest; "-": standard output
  std::string split;             // empty: the data set's default convention
  std::string tags;              // empty: the data set's default tag set
};

// Reads the data set and writes its manifest (atomically): the notes as '#' lines, then a header
// and one row per item. Returns what was written.
DatasetManifest write_dataset_manifest(const DatasetOptions& options, Log& log);

}  // namespace mirkit::pipeline
