#include "mirkit/pipeline/model_file.hpp"

#include "metadata.hpp"
#include "mirkit/core/error.hpp"
#include "mirkit/core/file_io.hpp"
#include "mirkit/io/safetensors.hpp"

namespace mirkit::pipeline {
namespace {

constexpr int kFormatVersion = 1;

constexpr const char* kKind = "model file";

Error bad(const std::string& where, const std::string& cause) {
  return invalid_file(kKind, where, cause);
}

template <typename T>
T field(const Json& json, const char* key, const std::string& where) {
  return metadata_field<T>(json, key, kKind, where);
}

}  // namespace

std::string encode_model_file(const ModelFile& file) {
  io::TensorFile out;
  Json& meta = out.metadata;
  meta["format"] = "model";
  meta["version"] = kFormatVersion;
  meta["mirkit_version"] = file.mirkit_version;
  meta["model"] = file.model;
  meta["classes"] = file.classes;
  meta["multi_label"] = file.multi_label;
  meta["features"] = {{"layout", to_string(file.layout)},
                      {"config_hash", file.feature_config_hash},
                      {"config", file.feature_config},
                      {"names", file.feature_names}};
  meta["seed"] = file.seed;
  meta["data_hash"] = file.data_hash;
  meta["training"] = file.training;
  meta["state"] = file.state.values;
  out.tensors = file.state.tensors;
  return io::encode_safetensors(out);
}

void write_model_file(const std::filesystem::path& path, const ModelFile& file) {
  write_file_atomically(path, encode_model_file(file));
}

ModelFile decode_model_file(const std::string& bytes, const std::string& where) {
  io::TensorFile in = io::decode_safetensors(
      std::span<const std::byte>(reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()),
      where);
  const Json& meta = in.metadata;
  const std::string format = meta.is_object() ? meta.value("format", std::string()) : "";
  if (format != "model") {
    throw Error(format.empty() ? "not a mirkit model file (no mirkit metadata)"
                               : "is a mirkit " + format + " file, not a model file")
        .with_file(where);
  }
  if (field<int>(meta, "version", where) > kFormatVersion) {
    throw bad(where, "format version " + std::to_string(field<int>(meta, "version", where)) +
                         " is newer than this mirkit reads (" + std::to_string(kFormatVersion) +
                         ")");
  }
  ModelFile file;
  file.mirkit_version = field<std::string>(meta, "mirkit_version", where);
  file.model = field<Json>(meta, "model", where);
  file.classes = field<std::vector<std::string>>(meta, "classes", where);
  file.multi_label = field<bool>(meta, "multi_label", where);
  const Json features = field<Json>(meta, "features", where);
  file.layout = parse_feature_layout(field<std::string>(features, "layout", where), where);
  file.feature_config_hash = field<std::string>(features, "config_hash", where);
  file.feature_config = field<Json>(features, "config", where);
  file.feature_names = field<std::vector<std::string>>(features, "names", where);
  file.seed = field<std::uint64_t>(meta, "seed", where);
  file.data_hash = field<std::string>(meta, "data_hash", where);
  file.training = field<Json>(meta, "training", where);
  file.state.values = field<Json>(meta, "state", where);
  file.state.tensors = std::move(in.tensors);
  if (file.classes.empty()) throw bad(where, "no classes");
  return file;
}

ModelFile read_model_file(const std::filesystem::path& path) {
  return decode_model_file(read_file(path), path.string());
}

}  // namespace mirkit::pipeline
