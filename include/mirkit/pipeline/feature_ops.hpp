// What can be done to feature files without the audio: join them, split them for training and
// testing, and describe them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "mirkit/core/json.hpp"
#include "mirkit/pipeline/feature_file.hpp"

namespace mirkit::pipeline {

// Joins feature files made with the same config (a usage Error names both hashes otherwise).
// When they are the shards of one run (same inputs hash and shard count, each shard once), the
// items are put back in the run's order and the result is byte-identical to the unsharded run.
// Otherwise the items follow the files' order and are renumbered; a path in two files is an
// error. `names` are the files' names for messages.
FeatureFile merge_feature_files(std::vector<FeatureFile> files,
                                const std::vector<std::string>& names);

// A merge worked out from the files' headers alone (their values unread): the merged file
// without its values, and where each of its items' rows come from.
struct MergeSource {
  std::size_t file;
  std::size_t item;
};
struct MergePlan {
  FeatureFile merged;                // items, offsets, names and run identity; no values
  std::vector<MergeSource> sources;  // one per merged item
};
MergePlan plan_merge(const std::vector<FeatureFile>& files, const std::vector<std::string>& names);

// The same join from files to a file, reading and writing the rows item by item (at most
// kMergeRowsPerPart rows at a time), so the memory does not grow with the files' size. `check`
// sees the headers first: false writes nothing (mirkit merge refuses missing shards there).
// Returns the number of items written, or nothing when `check` refused. A file that is not a
// feature file is a usage Error naming it.
constexpr std::int64_t kMergeRowsPerPart = 4096;
using MergeCheck = std::function<bool(const std::vector<FeatureFile>& headers)>;
std::optional<std::size_t> merge_feature_files(const std::vector<std::filesystem::path>& inputs,
                                               const std::filesystem::path& output,
                                               const MergeCheck& check = {});

// When the files are shards of one run, each at most once, but not all of them: the missing
// shard indices (a merge of them is a new collection, not the run). Otherwise empty.
std::vector<int> missing_shards(const std::vector<FeatureFile>& files);

struct SplitOptions {
  double test_fraction = 0.2;  // of the items (or of the groups, with group_by)
  bool stratify = false;       // keep each class's share in both parts
  bool by_group = false;       // no group in both parts (items without a group are their own)
  std::uint64_t seed = 0;
};

struct SplitResult {
  FeatureFile train;
  FeatureFile test;
};

// A seeded, deterministic split. Stratified by the first label of each item (or of each group,
// by the group's most common label). Throws a usage Error when a part would be empty.
SplitResult split_feature_file(const FeatureFile& file, const SplitOptions& options);

// The data set's own split (FeatureItem::split, from a manifest's `split` column).
// Whether any item has one.
bool has_split_column(const FeatureFile& file);
// `mirkit split --by-column split`: the training part holds the items of the train and
// validation splits, the test part those of the test split. A usage Error names an item without
// a split, or says which part would be empty.
SplitResult split_by_column(const FeatureFile& file);
// What train fits on: the items that are not of the test split (all of them when no item has a
// split). What evaluate scores: the items of the test split (all when none has a split).
FeatureFile training_items(const FeatureFile& file);
FeatureFile test_items(const FeatureFile& file);

// The items listed in `indices`, in that order, as a feature file of their own.
FeatureFile select_items(const FeatureFile& file, const std::vector<std::size_t>& indices);

// A summary for `mirkit info`: kind, layout, items, rows, dims, names, labels with counts,
// groups, config hash, run and shard. Reads only the header.
Json describe_artifact(const std::filesystem::path& path);
// A recipe (.json) as mirkit resolves it, every default written out, with its hash: a feature
// recipe's config hash (what feature files and models record), or a model recipe's.
Json describe_recipe(const std::filesystem::path& path);

}  // namespace mirkit::pipeline
