#include <map>

#include "mirkit/core/error.hpp"
#include "mirkit/core/file_io.hpp"
#include "mirkit/core/hash.hpp"
#include "mirkit/features/extractor.hpp"
#include "mirkit/io/safetensors.hpp"
#include "mirkit/models/model_config.hpp"
#include "mirkit/nn/training.hpp"
#include "mirkit/pipeline/evaluate.hpp"
#include "mirkit/pipeline/feature_ops.hpp"

namespace mirkit::pipeline {

Json describe_recipe(const std::filesystem::path& path) {
  Json recipe;
  try {
    recipe = Json::parse(read_file(path));
  } catch (const Json::parse_error& error) {
    throw Error(std::string("not valid JSON (") + error.what() + ")", ErrorKind::input,
                path.string(), "info");
  }
  Json out = {{"path", path.string()}};
  if (recipe.is_object() && recipe.contains("model")) {
    std::string where;
    const Json model = load_model_recipe(path.string(), {}, where);
    const Json resolved = is_network_recipe(model)
                              ? nn::NetworkRecipe::read(model, path.string()).resolved
                              : models::read_model_config(model, where).to_json();
    out["kind"] = is_network_recipe(model) ? "network recipe" : "model recipe";
    out["recipe"] = resolved;
    out["hash"] = to_hex(fnv1a64(resolved.dump()));
    return out;
  }
  const features::FeatureExtractor extractor(recipe, path.string());
  out["kind"] = "feature recipe";
  out["recipe"] = extractor.config();
  out["hash"] = extractor.config_hash();
  return out;
}

Json describe_artifact(const std::filesystem::path& path) {
  const io::TensorFile header = io::read_safetensors_header(path);
  const Json& meta = header.metadata;
  Json out = {{"path", path.string()}};
  out["kind"] = meta.is_object() ? meta.value("format", std::string("safetensors")) : "safetensors";
  Json tensors = Json::object();
  for (const auto& [name, tensor] : header.tensors)
    tensors[name] = {{"dtype", io::to_string(tensor.dtype)}, {"shape", tensor.shape}};
  if (out["kind"] != "features") {
    for (const char* key : {"version", "mirkit_version", "config_hash", "model", "classes"})
      if (meta.is_object() && meta.contains(key)) out[key] = meta[key];
    // A classical model: what training chose and measured, and what it was made from.
    if (meta.is_object() && meta.contains("training") &&
        meta.value("kind", std::string()) != "nn") {
      if (meta.contains("features") && meta["features"].is_object())
        out["recipe_hash"] = meta["features"].value("config_hash", Json());
      for (const char* key : {"seed", "data_hash", "training"})
        if (meta.contains(key)) out[key] = meta[key];
    }
    if (meta.is_object() && meta.value("kind", std::string()) == "nn") {
      // A network: its shape and output, and what training measured (mirkit train).
      out["network"] = {{"input_shape", meta["network"].value("input_shape", Json())},
                        {"layers", meta["network"].value("layers", Json::array()).size()},
                        {"output", meta.value("output", Json())}};
      if (meta.contains("tasks")) out["network"]["tasks"] = meta["tasks"];
      if (meta.contains("pruning")) out["pruning"] = meta["pruning"];  // mirkit prune
      if (meta.contains("training") && meta["training"].is_object()) {
        const Json& t = meta["training"];
        Json summary = {{"seed", t.value("seed", Json())},
                        {"training_clips", t.value("training_clips", Json())},
                        {"validation_clips", t.value("validation_clips", Json())},
                        {"epochs_run", t.value("epochs", Json::array()).size()},
                        {"best_epoch", t.value("best_epoch", Json())}};
        const int best = t.value("best_epoch", 0);
        if (best > 0 && static_cast<std::size_t>(best) <= t["epochs"].size())
          summary["at_best_epoch"] = t["epochs"][static_cast<std::size_t>(best - 1)];
        // Knowledge distillation: from which teacher (the file as named, and its bytes' hash).
        const Json distill = t.value("recipe", Json::object()).value("distill", Json::object());
        if (distill.contains("teacher")) {
          summary["distilled"] = distill;
          summary["distilled"]["teacher_fnv1a64"] = t.value("teacher_fnv1a64", Json());
        }
        out["training"] = summary;
      }
    }
    out["tensors"] = tensors;
    return out;
  }

  const Json& items = meta.at("items");
  std::map<std::string, int> labels;
  std::map<std::string, int> groups;
  std::map<std::string, int> splits;  // the data set's own (a manifest's split column)
  int unlabelled = 0;
  int multi_label = 0;
  double seconds = 0.0;
  for (const Json& item : items) {
    const auto& item_labels = item.at("labels");
    if (item_labels.empty()) ++unlabelled;
    if (item_labels.size() > 1) ++multi_label;
    for (const Json& label : item_labels)
      ++labels[label.get<std::string>()];
    if (item.contains("group")) ++groups[item["group"].get<std::string>()];
    if (item.contains("split")) ++splits[item["split"].get<std::string>()];
    seconds += item.value("duration_s", 0.0);
  }
  out["layout"] = meta.value("layout", std::string());
  out["items"] = items.size();
  for (const auto& [name, tensor] : header.tensors)
    if (name != "offsets" && tensor.shape.size() == 2) out["rows"] = tensor.shape[0];
  out["dims"] = meta.at("names").size();
  out["audio_seconds"] = seconds;
  out["labels"] = Json(labels);
  if (unlabelled) out["unlabelled"] = unlabelled;
  if (multi_label) out["multi_label_items"] = multi_label;
  out["groups"] = groups.size();
  if (!splits.empty()) out["splits"] = Json(splits);
  out["config_hash"] = meta.value("config_hash", std::string());
  out["mirkit_version"] = meta.value("mirkit_version", std::string());
  out["run"] = meta.value("run", Json::object());
  out["names"] = meta.at("names");
  out["tensors"] = tensors;
  return out;
}

}  // namespace mirkit::pipeline
