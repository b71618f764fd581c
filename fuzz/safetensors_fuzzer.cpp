// The safetensors container and the readers on top of it, from arbitrary bytes: the container
// itself, the feature file, the model file (then the classifier restored from it, scoring one
// item as `predict` would) and the network file.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "mirkit/core/error.hpp"
#include "mirkit/io/safetensors.hpp"
#include "mirkit/nn/network.hpp"
#include "mirkit/pipeline/feature_file.hpp"
#include "mirkit/pipeline/model_file.hpp"
#include "mirkit/pipeline/trained_model.hpp"

namespace {

using namespace mirkit;

// One item of zeros in the layout and columns the model was trained on.
pipeline::FeatureFile probe_features(const pipeline::ModelFile& model) {
  pipeline::FeatureFile probe;
  probe.layout = model.layout;
  probe.names = model.feature_names;
  const Eigen::Index rows = model.layout == pipeline::FeatureLayout::pooled ? 1 : 3;
  probe.values = dsp::Matrix::Zero(rows, static_cast<Eigen::Index>(probe.names.size()));
  probe.items.resize(1);
  probe.offsets = {0, rows};
  return probe;
}

void restore_and_score(const pipeline::ModelFile& model) {
  // A real model has a handful of columns; the bound keeps the probe from dominating the run.
  if (model.feature_names.size() > 4096) return;
  const pipeline::TrainedModel trained =
      pipeline::TrainedModel::restore(model.state, model.layout, model.multi_label);
  const dsp::Matrix scores = trained.scores(probe_features(model));
  (void)scores;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string where = "fuzz.safetensors";
  try {
    (void)io::decode_safetensors(fuzz::as_bytes(data, size), where);
  } catch (const Error&) {
  }
  try {
    (void)pipeline::decode_feature_file(fuzz::as_text(data, size), where);
  } catch (const Error&) {
  }
  try {
    restore_and_score(pipeline::decode_model_file(fuzz::as_text(data, size), where));
  } catch (const Error&) {
  }
  try {
    (void)nn::Network::from_bytes(fuzz::as_bytes(data, size), where);
  } catch (const Error&) {
  }
  return 0;
}
