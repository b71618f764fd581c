#include "mirkit/pipeline/dataset.hpp"

#include <algorithm>
#include <iostream>
#include <map>
#include <set>

#include "mirkit/core/error.hpp"
#include "mirkit/core/file_io.hpp"
#include "mirkit/core/text.hpp"

namespace mirkit::pipeline {

// Each defined in its own file under datasets/.
DatasetDefinition gtzan_definition();
DatasetDefinition magnatagatune_definition();
std::vector<DatasetDefinition> fma_definitions();  // small, medium, large
DatasetDefinition mtg_jamendo_definition();
DatasetDefinition msd_definition();

const DatasetRegistry& dataset_registry() {
  static const DatasetRegistry registry("data set", [] {
    std::vector<DatasetDefinition> all = {gtzan_definition(), magnatagatune_definition()};
    for (DatasetDefinition& fma : fma_definitions())
      all.push_back(std::move(fma));
    all.push_back(mtg_jamendo_definition());
    all.push_back(msd_definition());
    return all;
  }());
  return registry;
}

const DatasetDefinition* dataset_of_features(const Json& feature_config) {
  if (!feature_config.is_object() || !feature_config.contains("dataset") ||
      !feature_config["dataset"].is_string())
    return nullptr;
  return dataset_registry().find(feature_config["dataset"].get<std::string>());
}

std::string dataset_title(const DatasetDefinition& definition) {
  return definition.description.substr(0, definition.description.find(" ("));
}

namespace {

// A path as the manifest should hold it: relative to the manifest's folder when the file lies
// under it (the manifest then travels with the data), absolute otherwise.
std::string manifest_path(const std::string& path, const std::filesystem::path& output) {
  const std::filesystem::path absolute = std::filesystem::absolute(path);
  if (output == "-") return absolute.string();
  const std::filesystem::path folder = std::filesystem::absolute(output).parent_path();
  const std::filesystem::path relative = absolute.lexically_relative(folder);
  if (relative.empty() || *relative.begin() == "..") return absolute.string();
  return relative.string();
}

// A manifest's tags column separates a row's tags with ';': a tag holding one (some data sets
// have them) is written with ',' instead, and noted, rather than read back as two tags.
void keep_tags_whole(DatasetManifest& manifest) {
  if (!manifest.multi_label) return;
  std::set<std::string> renamed;
  for (DatasetItem& item : manifest.items) {
    for (std::string& tag : item.labels) {
      if (tag.find(';') == std::string::npos) continue;
      const std::string given = tag;
      std::replace(tag.begin(), tag.end(), ';', ',');
      if (renamed.insert(given).second) {
        manifest.notes.push_back("tag '" + given + "' written '" + tag +
                                 "': ';' separates the tags of a row");
      }
    }
  }
}

std::string manifest_text(const DatasetManifest& manifest, const std::string& name,
                          const std::string& split, const std::filesystem::path& output) {
  std::string text = "# mirkit dataset " + name + ", split " + split + ": " +
                     std::to_string(manifest.items.size()) + " items";
  text += manifest.notes.empty() ? "\n" : "; left out or noted:\n";
  for (const std::string& note : manifest.notes)
    text += "# " + note + "\n";
  text += std::string("path,") + (manifest.multi_label ? "tags" : "label") + ",group,split\n";
  for (const DatasetItem& item : manifest.items) {
    text += csv_field(manifest_path(item.path, output)) + "," + csv_field(join(item.labels, ";")) +
            "," + csv_field(item.group) + "," + csv_field(item.split) + "\n";
  }
  return text;
}

}  // namespace

namespace {

// A data set of features (the Million Song Dataset) → its feature file.
ExitCode write_dataset_features(const DatasetDefinition& definition, const DatasetOptions& options,
                                Log& log) {
  if (options.output == "-" || options.output.extension() != ".safetensors") {
    throw usage_error("dataset " + definition.name +
                      ": the data set carries features, not audio: -o names the feature file "
                      "to write (.safetensors), not " +
                      options.output.string());
  }
  DatasetDefinition::FeatureReport report;
  const FeatureFile file = definition.read_features(options, report);
  for (const Error& error : report.errors)
    log.error(error);
  for (const std::string& note : report.notes)
    log.info(note);
  if (file.items.empty()) {
    throw usage_error("dataset " + definition.name + ": no labelled track read under " +
                      options.root.string() + "; nothing written");
  }
  write_feature_file(options.output, file);
  log.info(definition.name + ": " + std::to_string(file.items.size()) + " tracks, " +
           std::to_string(file.dims()) + " columns (" + to_string(file.layout) + ") written to " +
           options.output.string());
  return report.errors.empty() ? ExitCode::success : ExitCode::some_inputs_failed;
}

}  // namespace

ExitCode write_dataset(const DatasetOptions& options, Log& log) {
  const DatasetDefinition& definition = dataset_registry().at(options.name);
  // One of `choices`, or the first when `given` is empty.
  const auto choose = [&](const std::string& given, const std::vector<std::string>& choices,
                          const char* flag) {
    if (given.empty()) return choices.empty() ? std::string() : choices.front();
    if (std::find(choices.begin(), choices.end(), given) == choices.end()) {
      throw usage_error("dataset " + definition.name + ": " + flag + " " + given + " is not " +
                        (choices.empty() ? std::string("taken by this data set")
                                         : "one of its conventions: " + join(choices, ", ")));
    }
    return given;
  };
  const std::string split = choose(options.split, definition.splits, "--split");
  const std::string tags = choose(options.tags, definition.tag_sets, "--tags");
  std::error_code code;
  if (!std::filesystem::is_directory(options.root, code)) {
    throw usage_error("dataset " + definition.name + ": " + options.root.string() +
                      " is not a folder");
  }
  if (definition.read_features) return write_dataset_features(definition, options, log);
  if (!options.labels.empty() || options.layout != "pooled" || options.hop_s != 0.0) {
    throw usage_error("dataset " + definition.name +
                      ": --labels, --layout and --hop are for a data set of features (msd); "
                      "this one's manifest goes to `mirkit extract`");
  }
  DatasetManifest manifest = definition.read(options.root, split, tags);
  keep_tags_whole(manifest);
  for (const std::string& warning : manifest.warnings)
    log.warning(warning);
  const std::string text = manifest_text(manifest, definition.name, split, options.output);
  if (options.output == "-") {
    std::cout << text << std::flush;
  } else {
    write_file_atomically(options.output, text);
  }
  std::map<std::string, std::size_t> counts;
  for (const DatasetItem& item : manifest.items)
    ++counts[item.split];
  std::string summary;
  for (const auto& [name, count] : counts)
    summary += (summary.empty() ? "" : ", ") + std::to_string(count) + " " + name;
  log.info(definition.name + ": " + std::to_string(manifest.items.size()) + " items (" + summary +
           ")" +
           (manifest.notes.empty() ? ""
                                   : "; " + std::to_string(manifest.notes.size()) +
                                         " left out or noted, listed at the top of the manifest"));
  return ExitCode::success;
}

}  // namespace mirkit::pipeline
