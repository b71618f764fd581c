// The feature registry: an explicit list, because a static library drops self-registering
// objects that nothing references. A new feature is one file in descriptors/ and one line here.
#include "descriptors/definitions.hpp"
#include "mirkit/core/error.hpp"

namespace mirkit::features {

const std::vector<FeatureDefinition>& feature_registry() {
  using namespace descriptors;
  static const std::vector<FeatureDefinition> registry = {
      mfcc_definition(),
      melspectrogram_definition(),
      chroma_stft_definition(),
      chroma_cqt_definition(),
      tonnetz_definition(),
      cqt_definition(),
      spectral_centroid_definition(),
      spectral_bandwidth_definition(),
      spectral_rolloff_definition(),
      spectral_flatness_definition(),
      spectral_contrast_definition(),
      spectral_flux_definition(),
      zcr_definition(),
      rms_definition(),
      onset_strength_definition(),
      tempo_definition(),
  };
  return registry;
}

const FeatureDefinition& find_feature(const std::string& name) {
  std::vector<std::string> known;
  for (const FeatureDefinition& definition : feature_registry()) {
    if (definition.name == name) return definition;
    known.push_back(definition.name);
  }
  std::string message = "unknown feature '" + name + "'";
  if (auto near = closest_name(name, known)) message += " (did you mean '" + *near + "'?)";
  message += "; known: ";
  for (std::size_t i = 0; i < known.size(); ++i)
    message += (i ? ", " : "") + known[i];
  throw usage_error(message);
}

}  // namespace mirkit::features
