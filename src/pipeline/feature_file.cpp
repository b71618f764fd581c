#include "mirkit/pipeline/feature_file.hpp"

#include <algorithm>
#include <fstream>
#include <mutex>
#include <set>
#include <stdexcept>

#include "metadata.hpp"
#include "mirkit/core/error.hpp"
#include "mirkit/core/file_io.hpp"
#include "mirkit/io/manifest.hpp"
#include "mirkit/io/safetensors.hpp"

namespace mirkit::pipeline {
namespace {

constexpr int kFormatVersion = 1;

const char* tensor_name(FeatureLayout layout) {
  switch (layout) {
    case FeatureLayout::pooled:
      return "features";
    case FeatureLayout::segments:
      return "segments";
    case FeatureLayout::frames:
      return "frames";
  }
  return "features";
}

constexpr const char* kKind = "feature file";

Error bad(const std::string& where, const std::string& cause) {
  return invalid_file(kKind, where, cause);
}

template <typename T>
T field(const Json& json, const char* key, const std::string& where) {
  return metadata_field<T>(json, key, kKind, where);
}

}  // namespace

std::string to_string(FeatureLayout layout) {
  switch (layout) {
    case FeatureLayout::pooled:
      return "pooled";
    case FeatureLayout::segments:
      return "segments";
    case FeatureLayout::frames:
      return "frames";
  }
  return "pooled";
}

FeatureLayout parse_feature_layout(const std::string& name, const std::string& where) {
  for (FeatureLayout layout :
       {FeatureLayout::pooled, FeatureLayout::segments, FeatureLayout::frames}) {
    if (name == to_string(layout)) return layout;
  }
  throw Error("unknown feature layout '" + name + "'").with_file(where);
}

Json FeatureItem::to_json() const {
  Json json = {{"path", path}, {"labels", labels}};
  if (!group.empty()) json["group"] = group;
  json["start_s"] = start_s;
  json["duration_s"] = duration_s;
  json["size"] = size_bytes;
  json["mtime_ns"] = mtime_ns;
  if (!content_hash.empty()) json["hash"] = content_hash;
  json["index"] = index;
  if (!split.empty()) json["split"] = split;
  return json;
}

FeatureItem FeatureItem::from_json(const Json& json, const std::string& where) {
  if (!json.is_object()) throw bad(where, "an item is not an object");
  FeatureItem item;
  item.path = field<std::string>(json, "path", where);
  item.labels = field<std::vector<std::string>>(json, "labels", where);
  item.group = json.value("group", std::string());
  item.start_s = field<double>(json, "start_s", where);
  item.duration_s = field<double>(json, "duration_s", where);
  item.size_bytes = field<std::int64_t>(json, "size", where);
  item.mtime_ns = field<std::int64_t>(json, "mtime_ns", where);
  item.content_hash = json.value("hash", std::string());
  item.index = field<std::int64_t>(json, "index", where);
  item.split = json.value("split", std::string());
  if (!item.split.empty() && io::canonical_split(item.split) != item.split)
    throw bad(where, "an item's split is '" + item.split + "' (train, validation or test)");
  return item;
}

Eigen::Block<const dsp::Matrix, Eigen::Dynamic, Eigen::Dynamic, true> FeatureFile::rows_of(
    std::size_t item) const {
  const auto begin = static_cast<Eigen::Index>(offsets.at(item));
  const auto end = static_cast<Eigen::Index>(offsets.at(item + 1));
  return values.middleRows(begin, end - begin);
}

std::vector<std::string> FeatureFile::classes() const {
  std::set<std::string> all;
  for (const FeatureItem& item : items)
    all.insert(item.labels.begin(), item.labels.end());
  return {all.begin(), all.end()};
}

bool FeatureFile::is_multi_label() const {
  return std::any_of(items.begin(), items.end(),
                     [](const FeatureItem& item) { return item.labels.size() > 1; });
}

void FeatureFile::validate(const std::string& where) const {
  validate_rows(where, values.rows());
  if (values.cols() != static_cast<Eigen::Index>(names.size()) && values.rows() > 0) {
    throw bad(where, std::to_string(values.cols()) + " columns but " +
                         std::to_string(names.size()) + " names");
  }
}

void FeatureFile::validate_rows(const std::string& where, std::int64_t rows) const {
  if (offsets.size() != items.size() + 1) {
    throw bad(where, std::to_string(offsets.size()) + " offsets for " +
                         std::to_string(items.size()) + " items");
  }
  if (offsets.front() != 0 || offsets.back() != rows) {
    throw bad(where, "offsets do not cover the " + std::to_string(rows) + " rows");
  }
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (offsets[i + 1] < offsets[i])
      throw bad(where, "offsets decrease at item " + std::to_string(i));
    if (layout == FeatureLayout::pooled && offsets[i + 1] - offsets[i] != 1) {
      throw bad(where, "a pooled file has one row per item");
    }
  }
}

namespace {

// Without items, the "items" array is left empty (metadata_line_of writes them).
Json metadata_of(const FeatureFile& file, bool with_items = true) {
  Json meta;
  meta["format"] = "features";
  meta["version"] = kFormatVersion;
  meta["mirkit_version"] = file.mirkit_version;
  meta["layout"] = to_string(file.layout);
  meta["config_hash"] = file.config_hash;
  meta["config"] = file.config;
  meta["names"] = file.names;
  Json run = {{"inputs", file.run_inputs}, {"inputs_hash", file.run_inputs_hash}};
  if (file.shard) run["shard"] = {file.shard->first, file.shard->second};
  meta["run"] = run;
  Json items = Json::array();
  if (with_items) {
    for (const FeatureItem& item : file.items)
      items.push_back(item.to_json());
  }
  meta["items"] = std::move(items);
  return meta;
}

// metadata_of(file) as to_json_line writes it, the items written one by one into the text
// rather than built as a tree first: a Json tree of 100,000 items takes ten times their text.
std::string metadata_line_of(const FeatureFile& file) {
  std::string line = to_json_line(metadata_of(file, false));
  std::string items = "[";
  for (const FeatureItem& item : file.items) {
    if (items.size() > 1) items += ',';
    items += to_json_line(item.to_json());
  }
  items += ']';
  // "items" is a key of the top object only; its value is the one unescaped "items":[] in it.
  const std::string empty = "\"items\":[]";
  const std::size_t at = line.rfind(empty);
  return line.replace(at + empty.size() - 2, 2, items);
}

}  // namespace

std::string encode_feature_file(const FeatureFile& file) {
  file.validate("feature file");
  io::TensorFile out;
  out.metadata = metadata_of(file);
  const std::int64_t rows = file.values.rows();
  const auto dims = static_cast<std::int64_t>(file.names.size());
  out.tensors[tensor_name(file.layout)] = io::Tensor::from_floats(
      {rows, dims},
      std::span<const float>(file.values.data(), static_cast<std::size_t>(file.values.size())));
  if (file.layout != FeatureLayout::pooled) {
    out.tensors["offsets"] =
        io::Tensor::from_int64({static_cast<std::int64_t>(file.offsets.size())}, file.offsets);
  }
  return io::encode_safetensors(out);
}

void write_feature_file(const std::filesystem::path& path, const FeatureFile& file) {
  write_file_atomically(path, encode_feature_file(file));
}

FeatureFileWriter::FeatureFileWriter(const std::filesystem::path& path, const FeatureFile& file)
    : out_(path),
      layout_(file.layout),
      offsets_(file.offsets),
      dims_(static_cast<std::int64_t>(file.names.size())) {
  file.validate_rows("feature file", file.offsets.empty() ? 0 : file.offsets.back());
  // The tensors in name order, as encode_safetensors lays them out: the bytes are the same.
  const std::string values_name = tensor_name(layout_);
  std::vector<io::TensorLayout> tensors = {{values_name, io::DType::f32, {offsets_.back(), dims_}}};
  if (layout_ != FeatureLayout::pooled) {
    const io::TensorLayout offsets{
        "offsets", io::DType::i64, {static_cast<std::int64_t>(offsets_.size())}};
    offsets_first_ = std::string("offsets") < values_name;
    tensors.insert(offsets_first_ ? tensors.begin() : tensors.end(), offsets);
  } else {
    offsets_first_ = false;
  }
  out_.write(io::encode_safetensors_header(metadata_line_of(file), tensors));
  if (offsets_first_) write_offsets();
}

void FeatureFileWriter::append_rows(std::span<const float> values) {
  values_written_ += static_cast<std::int64_t>(values.size());
  if (values_written_ > offsets_.back() * dims_) {
    throw fatal_error("feature file: more rows than its items' offsets say");
  }
  out_.write(std::string_view(reinterpret_cast<const char*>(values.data()),
                              values.size() * sizeof(float)));
}

void FeatureFileWriter::write_offsets() {
  out_.write(std::string_view(reinterpret_cast<const char*>(offsets_.data()),
                              offsets_.size() * sizeof(std::int64_t)));
}

void FeatureFileWriter::commit() {
  if (values_written_ != offsets_.back() * dims_) {
    throw fatal_error(
        "feature file: " + std::to_string(values_written_ / std::max<std::int64_t>(dims_, 1)) +
        " rows written where its items' offsets say " + std::to_string(offsets_.back()));
  }
  if (layout_ != FeatureLayout::pooled && !offsets_first_) write_offsets();
  out_.commit();
}

namespace {

// A feature file's metadata as a FeatureFile without values and offsets: an input Error naming
// `where` for another kind of file, a newer format or a missing field.
FeatureFile header_of(const Json& meta, const std::string& where) {
  if (!meta.is_object() || meta.value("format", std::string()) != "features") {
    const std::string format = meta.is_object() ? meta.value("format", std::string()) : "";
    throw Error(format.empty() ? "not a mirkit feature file (no mirkit metadata)"
                               : "is a mirkit " + format + " file, not a feature file")
        .with_file(where);
  }
  if (field<int>(meta, "version", where) > kFormatVersion) {
    throw bad(where, "format version " + std::to_string(field<int>(meta, "version", where)) +
                         " is newer than this mirkit reads (" + std::to_string(kFormatVersion) +
                         ")");
  }
  FeatureFile file;
  file.layout = parse_feature_layout(field<std::string>(meta, "layout", where), where);
  file.names = field<std::vector<std::string>>(meta, "names", where);
  file.config = field<Json>(meta, "config", where);
  file.config_hash = field<std::string>(meta, "config_hash", where);
  file.mirkit_version = field<std::string>(meta, "mirkit_version", where);
  const Json run = field<Json>(meta, "run", where);
  file.run_inputs = field<std::int64_t>(run, "inputs", where);
  file.run_inputs_hash = field<std::string>(run, "inputs_hash", where);
  if (run.contains("shard")) {
    const auto shard = field<std::vector<int>>(run, "shard", where);
    if (shard.size() != 2) throw bad(where, "run.shard is not [index, count]");
    file.shard = std::make_pair(shard[0], shard[1]);
  }
  for (const Json& item : field<Json>(meta, "items", where))
    file.items.push_back(FeatureItem::from_json(item, where));
  return file;
}

// The values tensor of `file`'s layout among `tensors`, checked to be [rows, dims].
const io::Tensor& values_tensor(const std::map<std::string, io::Tensor>& tensors,
                                const FeatureFile& file, const std::string& where) {
  const auto tensor = tensors.find(tensor_name(file.layout));
  if (tensor == tensors.end()) {
    throw bad(where, std::string("no '") + tensor_name(file.layout) + "' tensor");
  }
  if (tensor->second.shape.size() != 2 ||
      tensor->second.shape[1] != static_cast<std::int64_t>(file.names.size())) {
    throw bad(where, std::string("'") + tensor_name(file.layout) + "' is not [rows, " +
                         std::to_string(file.names.size()) + "]");
  }
  return tensor->second;
}

// A pooled file's offsets, which it does not store: one row per item.
std::vector<std::int64_t> one_row_each(std::size_t items) {
  std::vector<std::int64_t> offsets(items + 1);
  for (std::size_t i = 0; i < offsets.size(); ++i)
    offsets[i] = static_cast<std::int64_t>(i);
  return offsets;
}

}  // namespace

FeatureFile decode_feature_file(const std::string& bytes, const std::string& where) {
  io::TensorFile in = io::decode_safetensors(
      std::span<const std::byte>(reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()),
      where);
  FeatureFile file = header_of(in.metadata, where);
  const io::Tensor& tensor = values_tensor(in.tensors, file, where);
  const std::vector<float> values = tensor.to_floats(tensor_name(file.layout));
  file.values = Eigen::Map<const dsp::Matrix>(values.data(), tensor.shape[0], tensor.shape[1]);
  if (file.layout == FeatureLayout::pooled) {
    file.offsets = one_row_each(file.items.size());
  } else {
    const auto offsets = in.tensors.find("offsets");
    if (offsets == in.tensors.end()) throw bad(where, "no 'offsets' tensor");
    file.offsets = offsets->second.to_int64("offsets");
  }
  file.validate(where);
  return file;
}

FeatureFileReader::FeatureFileReader(const std::filesystem::path& path)
    : path_(path), in_(path, std::ios::binary) {
  const std::string where = path.string();
  const io::TensorIndex index = io::read_safetensors_index(path);
  header_ = header_of(index.file.metadata, where);
  const io::Tensor& values = values_tensor(index.file.tensors, header_, where);
  if (values.dtype != io::DType::f32) throw bad(where, "its values are not F32");
  values_begin_ = index.ranges.at(tensor_name(header_.layout)).first;
  if (header_.layout == FeatureLayout::pooled) {
    header_.offsets = one_row_each(header_.items.size());
  } else {
    const auto offsets = index.file.tensors.find("offsets");
    if (offsets == index.file.tensors.end() || offsets->second.dtype != io::DType::i64 ||
        offsets->second.shape.size() != 1) {
      throw bad(where, "no 'offsets' tensor of I64");
    }
    header_.offsets.resize(static_cast<std::size_t>(offsets->second.shape[0]));
    read_at(index.ranges.at("offsets").first, header_.offsets.data(),
            header_.offsets.size() * sizeof(std::int64_t));
  }
  header_.validate_rows(where, values.shape[0]);
}

void FeatureFileReader::read_at(std::uint64_t offset, void* out, std::size_t bytes) const {
  const std::lock_guard lock(mutex_);
  in_.seekg(static_cast<std::streamoff>(offset));
  if (!in_.read(static_cast<char*>(out), static_cast<std::streamsize>(bytes))) {
    throw Error("cannot read its rows (truncated? changed while running?)")
        .with_file(path_.string());
  }
}

dsp::Matrix FeatureFileReader::rows_of(std::size_t item) const {
  return rows_of(item, 0, header_.offsets.at(item + 1) - header_.offsets.at(item));
}

dsp::Matrix FeatureFileReader::rows_of(std::size_t item, std::int64_t first,
                                       std::int64_t count) const {
  const std::int64_t begin = header_.offsets.at(item) + first;
  if (first < 0 || count < 0 || begin + count > header_.offsets.at(item + 1))
    throw std::out_of_range("FeatureFileReader::rows_of: rows outside the item");
  dsp::Matrix rows(count, static_cast<Eigen::Index>(header_.dims()));
  read_at(values_begin_ + static_cast<std::uint64_t>(begin) * header_.dims() * sizeof(float),
          rows.data(), static_cast<std::size_t>(rows.size()) * sizeof(float));
  return rows;
}

FeatureFile read_feature_file(const std::filesystem::path& path) {
  return decode_feature_file(read_file(path), path.string());
}

}  // namespace mirkit::pipeline
