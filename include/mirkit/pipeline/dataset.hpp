// `mirkit dataset NAME ROOT`: a standard data set, read as it is distributed, as a manifest that
// extract, split, train and evaluate understand (path, label or tags, group, split), with the
// split the literature uses. docs/datasets.md gives each adapter's conventions and sources.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "mirkit/core/error.hpp"
#include "mirkit/core/exit_code.hpp"
#include "mirkit/core/log.hpp"
#include "mirkit/core/registry.hpp"
#include "mirkit/pipeline/feature_file.hpp"

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

struct DatasetOptions {
  std::string name;
  std::filesystem::path root;
  std::filesystem::path output;  // a .csv manifest ("-": standard output), or a feature file
  std::string split;             // empty: the data set's default convention
  std::string tags;              // empty: the data set's default tag set
  // Data sets of features (the Million Song Dataset): the label file to join, the layout to
  // write (pooled or frames), and the hop of the regular frame grid (0: the data set's default).
  std::filesystem::path labels;
  std::string layout = "pooled";
  double hop_s = 0.0;
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
  // A data set that carries features instead of audio: read into a feature file (`read` is then
  // empty). What was left out goes to `report`'s notes; a file that cannot be read is an input
  // Error in its `errors`, the other files still read.
  struct FeatureReport {
    std::vector<std::string> notes;
    std::vector<Error> errors;
  };
  std::function<FeatureFile(const DatasetOptions& options, FeatureReport& report)> read_features;
};

using DatasetRegistry = Registry<DatasetDefinition>;
const DatasetRegistry& dataset_registry();

// The data set whose features a feature file's recipe describes (its "dataset" key: read from
// the data set's own files, like the Million Song Dataset's, not analysed from audio); nullptr
// for a recipe of audio features. Its title is the description's words before " (".
const DatasetDefinition* dataset_of_features(const Json& feature_config);
std::string dataset_title(const DatasetDefinition& definition);

// Reads the data set and writes its manifest (atomically): the notes as '#' lines, then a header
// and one row per item; or, for a data set of features, its feature file. Returns the exit code:
// some_inputs_failed when a file of a data set of features could not be read (each is logged).
ExitCode write_dataset(const DatasetOptions& options, Log& log);

}  // namespace mirkit::pipeline
