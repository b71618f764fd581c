#include <algorithm>
#include <memory>
#include <numeric>
#include <optional>
#include <set>

#include "mirkit/core/error.hpp"
#include "mirkit/core/hash.hpp"
#include "mirkit/pipeline/feature_ops.hpp"

namespace mirkit::pipeline {
namespace {

// The shard indices when the files are shards of one run (same inputs and shard count), each at
// most once; none otherwise.
std::optional<std::set<int>> shards_of_one_run(const std::vector<FeatureFile>& files) {
  const FeatureFile& first = files.front();
  if (!first.shard) return std::nullopt;
  std::set<int> seen;
  for (const FeatureFile& file : files) {
    if (!file.shard || file.shard->second != first.shard->second ||
        file.run_inputs_hash != first.run_inputs_hash || file.run_inputs != first.run_inputs ||
        !seen.insert(file.shard->first).second) {
      return std::nullopt;
    }
  }
  return seen;
}

// True when the files are all the shards of one run, each exactly once.
bool are_all_shards_of_one_run(const std::vector<FeatureFile>& files) {
  const auto shards = shards_of_one_run(files);
  return shards && static_cast<int>(shards->size()) == files.front().shard->second;
}

}  // namespace

std::vector<int> missing_shards(const std::vector<FeatureFile>& files) {
  if (files.empty()) return {};
  const auto shards = shards_of_one_run(files);
  if (!shards) return {};
  std::vector<int> missing;
  for (int i = 0; i < files.front().shard->second; ++i)
    if (!shards->count(i)) missing.push_back(i);
  return missing;
}

FeatureFile select_items(const FeatureFile& file, const std::vector<std::size_t>& indices) {
  FeatureFile out = file;
  out.items.clear();
  out.offsets = {0};
  Eigen::Index rows = 0;
  for (const std::size_t i : indices)
    rows += file.rows_of(i).rows();
  out.values.resize(rows, file.values.cols());
  for (const std::size_t i : indices) {
    const auto block = file.rows_of(i);
    out.values.middleRows(out.offsets.back(), block.rows()) = block;
    out.offsets.push_back(out.offsets.back() + block.rows());
    out.items.push_back(file.items[i]);
  }
  return out;
}

MergePlan plan_merge(const std::vector<FeatureFile>& files, const std::vector<std::string>& names) {
  if (files.empty()) throw usage_error("merge: no feature files given");
  const FeatureFile& first = files.front();
  for (std::size_t f = 1; f < files.size(); ++f) {
    if (files[f].config_hash != first.config_hash) {
      throw usage_error("merge: " + names[f] + " was made with config hash " +
                        files[f].config_hash + ", " + names[0] + " with " + first.config_hash +
                        ": features of different configs cannot be joined");
    }
    if (files[f].layout != first.layout || files[f].names != first.names) {
      throw usage_error("merge: " + names[f] + " and " + names[0] + " have different columns");
    }
  }
  const bool shards = are_all_shards_of_one_run(files);

  // Every item with the file it comes from, in the merged order.
  MergePlan plan;
  for (std::size_t f = 0; f < files.size(); ++f)
    for (std::size_t i = 0; i < files[f].items.size(); ++i)
      plan.sources.push_back({f, i});
  if (shards) {
    std::stable_sort(plan.sources.begin(), plan.sources.end(),
                     [&](const MergeSource& a, const MergeSource& b) {
                       return files[a.file].items[a.item].index < files[b.file].items[b.item].index;
                     });
  }

  FeatureFile& out = plan.merged;
  out.layout = first.layout;
  out.names = first.names;
  out.config = first.config;
  out.config_hash = first.config_hash;
  out.mirkit_version = first.mirkit_version;
  out.offsets = {0};
  std::set<std::string> paths;
  for (const MergeSource& source : plan.sources) {
    const FeatureFile& file = files[source.file];
    FeatureItem item = file.items[source.item];
    if (!paths.insert(item.path).second) {
      throw usage_error("merge: '" + item.path + "' is in more than one file (" +
                        names[source.file] + " among them)");
    }
    if (!shards) item.index = static_cast<std::int64_t>(out.items.size());
    const std::int64_t rows = file.offsets[source.item + 1] - file.offsets[source.item];
    out.offsets.push_back(out.offsets.back() + rows);
    out.items.push_back(std::move(item));
  }
  if (shards) {
    out.run_inputs = first.run_inputs;
    out.run_inputs_hash = first.run_inputs_hash;
  } else {
    // A new collection: its identity is the list of what it holds.
    std::uint64_t hash = fnv1a64("mirkit merge 1\n");
    for (const FeatureItem& item : out.items)
      hash = fnv1a64(item.path + '\n', hash);
    out.run_inputs = static_cast<std::int64_t>(out.items.size());
    out.run_inputs_hash = to_hex(hash);
  }
  return plan;
}

FeatureFile merge_feature_files(std::vector<FeatureFile> files,
                                const std::vector<std::string>& names) {
  MergePlan plan = plan_merge(files, names);
  FeatureFile& out = plan.merged;
  out.values.resize(out.offsets.back(), static_cast<Eigen::Index>(out.names.size()));
  for (std::size_t i = 0; i < plan.sources.size(); ++i) {
    const MergeSource& source = plan.sources[i];
    const auto block = files[source.file].rows_of(source.item);
    out.values.middleRows(out.offsets[i], block.rows()) = block;
  }
  return std::move(plan.merged);
}

std::optional<std::size_t> merge_feature_files(const std::vector<std::filesystem::path>& inputs,
                                               const std::filesystem::path& output,
                                               const MergeCheck& check) {
  std::vector<std::unique_ptr<FeatureFileReader>> readers;
  std::vector<FeatureFile> headers;
  std::vector<std::string> names;
  for (const std::filesystem::path& input : inputs) {
    try {
      readers.push_back(std::make_unique<FeatureFileReader>(input));
    } catch (const Error& error) {
      throw usage_error(std::string("merge: ") + error.what());
    }
    headers.push_back(readers.back()->header());
    names.push_back(input.string());
  }
  if (check && !check(headers)) return std::nullopt;
  const MergePlan plan = plan_merge(headers, names);
  FeatureFileWriter writer(output, plan.merged);
  for (const MergeSource& source : plan.sources) {
    const std::vector<std::int64_t>& offsets = headers[source.file].offsets;
    const std::int64_t rows = offsets[source.item + 1] - offsets[source.item];
    for (std::int64_t first = 0; first < rows; first += kMergeRowsPerPart) {
      const dsp::Matrix part = readers[source.file]->rows_of(
          source.item, first, std::min(kMergeRowsPerPart, rows - first));
      writer.append_rows({part.data(), static_cast<std::size_t>(part.size())});
    }
  }
  writer.commit();
  return plan.merged.items.size();
}

}  // namespace mirkit::pipeline
