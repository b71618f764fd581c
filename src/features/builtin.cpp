// The feature registry (core/registry.hpp). A new feature is one file in descriptors/ and one
// line here.
#include "descriptors/definitions.hpp"
#include "mirkit/core/error.hpp"

namespace mirkit::features {

const FeatureRegistry& feature_registry() {
  using namespace descriptors;
  static const FeatureRegistry registry("feature", {
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
                                                   });
  return registry;
}

const FeatureDefinition& find_feature(const std::string& name) {
  return feature_registry().at(name);
}

}  // namespace mirkit::features
