#include "label_file.hpp"

#include "mirkit/core/error.hpp"
#include "mirkit/core/file_io.hpp"
#include "mirkit/core/hash.hpp"
#include "mirkit/version.hpp"

namespace mirkit::pipeline {
namespace fs = std::filesystem;
namespace {

constexpr const char* kSidecarFormat = "mirkit labels";
constexpr int kSidecarSchema = 1;

}  // namespace

fs::path label_sidecar_path(const fs::path& output) {
  return fs::path(output.string() + ".json");
}

std::string render_labels(const LabelRun& run, const std::vector<LabelRow>& rows) {
  std::string text = run.header;
  for (const LabelRow& row : rows)
    text += row.text;
  return text;
}

std::string render_label_sidecar(const LabelRun& run, const std::vector<LabelRow>& rows) {
  // One row a line, so that a person (or grep) can read it, and a 100,000-file inbox stays small.
  std::string listed;
  for (const LabelRow& row : rows) {
    Json entry = {{"path", row.key}};
    if (row.size >= 0) {
      entry["size"] = row.size;
      entry["mtime_ns"] = row.mtime_ns;
    }
    if (!row.range.empty()) entry["range"] = row.range;
    entry["bytes"] = row.text.size();
    entry["fnv1a64"] = to_hex(fnv1a64(row.text));
    listed += (listed.empty() ? "\n" : ",\n") + to_json_line(entry);
  }
  const Json sidecar = {{"format", kSidecarFormat},
                        {"schema", kSidecarSchema},
                        {"mirkit_version", kVersion},
                        {"model", {{"file", run.model_file}, {"hash", run.model_hash}}},
                        {"recipe_hash", run.recipe_hash},
                        {"settings", run.settings},
                        {"header_bytes", run.header.size()},
                        {"rows", Json::array()}};
  std::string text = to_json_line(sidecar);
  text.resize(text.size() - 2);  // "]}": the rows go in between
  return text + listed + "\n]}\n";
}

EarlierLabels read_earlier_labels(const fs::path& output) {
  const fs::path sidecar_path = label_sidecar_path(output);
  std::error_code code;
  if (!fs::exists(sidecar_path, code)) {
    throw usage_error(output.string() + " has no sidecar " + sidecar_path.string() +
                      " (it was not written by mirkit predict); run without --update to label "
                      "afresh");
  }
  EarlierLabels earlier;
  std::string text;
  try {
    text = fs::exists(output, code) ? read_file(output) : std::string();
    const Json sidecar = Json::parse(read_file(sidecar_path));
    if (sidecar.at("format") != kSidecarFormat || sidecar.at("schema") != kSidecarSchema) {
      throw usage_error(sidecar_path.string() + ": not a mirkit labels sidecar of schema " +
                        std::to_string(kSidecarSchema));
    }
    earlier.run.model_file = sidecar.at("model").at("file").get<std::string>();
    earlier.run.model_hash = sidecar.at("model").at("hash").get<std::string>();
    earlier.run.recipe_hash = sidecar.at("recipe_hash").get<std::string>();
    earlier.run.settings = sidecar.at("settings");
    const auto header_bytes = sidecar.at("header_bytes").get<std::size_t>();
    if (header_bytes > text.size()) {
      earlier.intact = false;
      return earlier;
    }
    earlier.run.header = text.substr(0, header_bytes);
    std::size_t at = header_bytes;
    for (const Json& entry : sidecar.at("rows")) {
      LabelRow row;
      row.key = entry.at("path").get<std::string>();
      row.size = entry.value("size", std::int64_t{-1});
      row.mtime_ns = entry.value("mtime_ns", std::int64_t{-1});
      row.range = entry.value("range", std::string());
      const auto bytes = entry.at("bytes").get<std::size_t>();
      if (bytes > text.size() - at) break;
      row.text = text.substr(at, bytes);
      if (to_hex(fnv1a64(row.text)) != entry.at("fnv1a64").get<std::string>()) break;
      at += bytes;
      earlier.rows.push_back(std::move(row));
    }
    earlier.intact = earlier.rows.size() == sidecar.at("rows").size() && at == text.size();
  } catch (const Json::exception& error) {
    throw usage_error(sidecar_path.string() + ": not a mirkit labels sidecar (" + error.what() +
                      ")");
  } catch (const Error& error) {
    if (error.kind() == ErrorKind::usage) throw;
    throw usage_error("--update: " + std::string(error.what()));
  }
  return earlier;
}

}  // namespace mirkit::pipeline
