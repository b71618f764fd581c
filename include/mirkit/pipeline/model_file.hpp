// The model file: what `train` writes and `evaluate`, `predict` and `info` read. A safetensors
// file holding the classifier's parameters as tensors (models::ModelState), and in its metadata
// the resolved model recipe, the classes, the features it was trained on (their full extraction
// config, so `predict` can go from raw audio with exactly those features), the seed, a hash of the
// training data and what training measured. docs/formats.md describes it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "mirkit/core/json.hpp"
#include "mirkit/models/model_state.hpp"
#include "mirkit/pipeline/feature_file.hpp"

namespace mirkit::pipeline {

struct ModelFile {
  Json model = Json::object();       // the resolved model recipe (models::ModelConfig::to_json)
  std::vector<std::string> classes;  // single-label: the classes; multi-label: the tags
  bool multi_label = false;
  // The features the model was trained on.
  FeatureLayout layout = FeatureLayout::pooled;
  Json feature_config = Json::object();
  std::string feature_config_hash;
  std::vector<std::string> feature_names;
  std::uint64_t seed = 0;
  std::string data_hash;           // of the training features and labels
  Json training = Json::object();  // items, the model's report, cross-validation metrics
  std::string mirkit_version;
  models::ModelState state;
};

std::string encode_model_file(const ModelFile& file);
void write_model_file(const std::filesystem::path& path, const ModelFile& file);  // atomic
// Throws an input Error naming the file: not safetensors, not a model (a feature file?), newer
// format, inconsistent metadata.
ModelFile read_model_file(const std::filesystem::path& path);
ModelFile decode_model_file(const std::string& bytes, const std::string& where);

}  // namespace mirkit::pipeline
