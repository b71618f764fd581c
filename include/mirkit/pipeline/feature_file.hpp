// The feature file: what `extract` writes and `train`, `evaluate`, `predict`, `merge`, `split`
// and `export` read. A safetensors file (io/safetensors.hpp) holding
//
//   features  F32 [items, dims]            one pooled vector per item        (layout "pooled")
//   segments  F32 [rows, dims] + offsets   pooled per texture window         (layout "segments")
//   frames    F32 [rows, dims] + offsets   the frame sequences themselves    (layout "frames")
//   offsets   I64 [items + 1]              item i owns rows offsets[i] … offsets[i+1] − 1
//
// and in its metadata the column names, the resolved extraction config and its hash, and the
// items with their provenance. docs/formats.md describes it for readers without mirkit.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "mirkit/core/file_io.hpp"
#include "mirkit/core/json.hpp"
#include "mirkit/dsp/matrix.hpp"

namespace mirkit::pipeline {

enum class FeatureLayout { pooled, segments, frames };

std::string to_string(FeatureLayout layout);
// "pooled", "segments", "frames"; anything else is an input Error naming `where`.
FeatureLayout parse_feature_layout(const std::string& name, const std::string& where);

// One analysed input and where it came from.
struct FeatureItem {
  std::string path;                 // relative to the run's root (or as given)
  std::vector<std::string> labels;  // empty: unlabelled; several: multi-label
  std::string group;                // for leakage-free splits; empty: none
  double start_s = 0.0;             // where the analysed audio starts in the file
  double duration_s = 0.0;          // how much audio was analysed
  std::int64_t size_bytes = 0;      // the file's size and modification time when read
  std::int64_t mtime_ns = 0;
  std::string content_hash;  // FNV-1a 64 of the bytes, with --hash; empty otherwise
  std::int64_t index = 0;    // position in the run's whole input list (shards keep it)
  // The data set's own split (a manifest's `split` column): "train", "validation" or "test";
  // empty: none. train leaves "test" items out, evaluate scores only those.
  std::string split;

  Json to_json() const;
  static FeatureItem from_json(const Json& json, const std::string& where);
};

struct FeatureFile {
  FeatureLayout layout = FeatureLayout::pooled;
  std::vector<std::string> names;  // one per column
  Json config = Json::object();    // the resolved extraction config
  std::string config_hash;
  std::string mirkit_version;
  std::vector<FeatureItem> items;
  dsp::Matrix values;                 // rows × names.size()
  std::vector<std::int64_t> offsets;  // items + 1 (every layout; pooled: 0, 1, 2, …)
  // The run this file belongs to: the number and hash of all its inputs, and the shard (0-based
  // index, count) when it holds one shard of them. merge() uses it to rejoin shards exactly.
  std::int64_t run_inputs = 0;
  std::string run_inputs_hash;
  std::optional<std::pair<int, int>> shard;

  std::size_t dims() const { return names.size(); }
  // The rows of item i.
  Eigen::Block<const dsp::Matrix, Eigen::Dynamic, Eigen::Dynamic, true> rows_of(
      std::size_t item) const;
  // Sorted distinct labels over all items.
  std::vector<std::string> classes() const;
  bool is_multi_label() const;

  // Checks the invariants (offsets, shapes, names); throws an input Error naming `where`.
  void validate(const std::string& where) const;
  // The same, for a file of `rows` × dims() values held elsewhere (FeatureFileWriter's).
  void validate_rows(const std::string& where, std::int64_t rows) const;
};

// Writes a feature file whose rows come part by part (extract's, read back from its checkpoint
// journal), so no more than a part is ever held: the header, from `file`'s items and offsets
// (its `values` are not read), then the rows as append_rows gives them, atomically put in place
// by commit(). The bytes are encode_feature_file's for the same rows.
class FeatureFileWriter {
 public:
  FeatureFileWriter(const std::filesystem::path& path, const FeatureFile& file);
  // Whole rows, in item order.
  void append_rows(std::span<const float> values);
  // A fatal Error if the rows given are not the offsets' count.
  void commit();

 private:
  void write_offsets();

  AtomicFileWriter out_;
  FeatureLayout layout_;
  std::vector<std::int64_t> offsets_;
  std::int64_t dims_;
  std::int64_t values_written_ = 0;
  bool offsets_first_;
};

// Atomic (write_file_atomically); the same FeatureFile always gives the same bytes.
void write_feature_file(const std::filesystem::path& path, const FeatureFile& file);
std::string encode_feature_file(const FeatureFile& file);
// Throws an input Error naming the file: not a safetensors file, not a feature file (a model?),
// inconsistent shapes.
FeatureFile read_feature_file(const std::filesystem::path& path);
FeatureFile decode_feature_file(const std::string& bytes, const std::string& where);

// A feature file whose rows are read from disk item by item when asked: `extract --update` takes
// an earlier file's unchanged rows without holding them all (a frames file of ten hours is
// 800 MB). The same checks and errors as read_feature_file; rows_of is safe from any thread.
class FeatureFileReader {
 public:
  explicit FeatureFileReader(const std::filesystem::path& path);
  // Everything but the values: items, offsets, names, config.
  const FeatureFile& header() const { return header_; }
  dsp::Matrix rows_of(std::size_t item) const;
  // `count` of its rows from row `first` (of the item's), for a long item read part by part.
  dsp::Matrix rows_of(std::size_t item, std::int64_t first, std::int64_t count) const;

 private:
  void read_at(std::uint64_t offset, void* out, std::size_t bytes) const;

  std::filesystem::path path_;
  FeatureFile header_;
  std::uint64_t values_begin_ = 0;  // in the file
  mutable std::ifstream in_;
  mutable std::mutex mutex_;
};

}  // namespace mirkit::pipeline
