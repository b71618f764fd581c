// The JSON config readers, from arbitrary text: a feature recipe (the extractor it builds then
// runs on a short fixed signal, as the parameters it accepts must work), a model recipe (and the
// classifier it makes), and a network description (the layers it builds, without weights).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <vector>

#include "fuzz_support.hpp"
#include "mirkit/core/error.hpp"
#include "mirkit/core/json.hpp"
#include "mirkit/features/extractor.hpp"
#include "mirkit/io/safetensors.hpp"
#include "mirkit/models/model_config.hpp"
#include "mirkit/nn/network.hpp"

namespace {

using namespace mirkit;

// A quarter of a second (at most 12000 samples) of two chirps at the config's rate.
std::vector<float> probe_signal(int sample_rate) {
  const std::size_t n = std::min<std::size_t>(12000, static_cast<std::size_t>(sample_rate / 4));
  std::vector<float> signal(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double t = static_cast<double>(i) / sample_rate;
    signal[i] = static_cast<float>(0.5 * std::sin(2 * std::numbers::pi * (220 + 800 * t) * t) +
                                   0.1 * std::sin(2 * std::numbers::pi * 3000 * t * t));
  }
  return signal;
}

void run_feature_recipe(const Json& config) {
  features::FeatureExtractor extractor(config, "fuzz.json");
  const std::vector<float> signal = probe_signal(extractor.analysis().sample_rate);
  if (extractor.output() == features::OutputKind::frames) {
    (void)extractor.frames(signal);
  } else if (extractor.has_texture_windows()) {
    (void)extractor.texture_windows(signal);
  } else {
    (void)extractor.pooled(signal);
  }
}

void run_model_recipe(const Json& config) {
  const models::ModelConfig model = models::read_model_config(config, "fuzz.json");
  (void)model.to_json();
  try {
    (void)models::create_classifier(model);
  } catch (const Error&) {
    (void)models::create_sequence_classifier(model);
  }
}

// The description inside the metadata of an otherwise valid network file with no weights.
void run_network_description(const Json& description) {
  io::TensorFile file;
  file.metadata = {{"format", "model"},      {"kind", "nn"},          {"version", 1},
                   {"network", description}, {"classes", {"a", "b"}}, {"output", "softmax"}};
  const std::string bytes = io::encode_safetensors(file);
  (void)nn::Network::from_bytes({reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()},
                                "fuzz.safetensors");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The readers get parsed JSON: a parse error is the caller's (from_file's) to report.
  const Json config = Json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (config.is_discarded()) return 0;
  try {
    run_feature_recipe(config);
  } catch (const Error&) {
  }
  try {
    run_model_recipe(config);
  } catch (const Error&) {
  }
  try {
    run_network_description(config);
  } catch (const Error&) {
  }
  return 0;
}
