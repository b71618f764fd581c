// The feature registry (core/registry.hpp). A new feature is one file in descriptors/ (its
// FeatureDefinition) and two lines here: its declaration and its place in the list.
#include "mirkit/core/error.hpp"
#include "mirkit/features/feature.hpp"

namespace mirkit::features {
namespace descriptors {

FeatureDefinition mfcc_definition();
FeatureDefinition melspectrogram_definition();
FeatureDefinition chroma_stft_definition();
FeatureDefinition chroma_cqt_definition();
FeatureDefinition tonnetz_definition();
FeatureDefinition cqt_definition();
FeatureDefinition spectral_centroid_definition();
FeatureDefinition spectral_bandwidth_definition();
FeatureDefinition spectral_rolloff_definition();
FeatureDefinition spectral_flatness_definition();
FeatureDefinition spectral_contrast_definition();
FeatureDefinition spectral_flux_definition();
FeatureDefinition zcr_definition();
FeatureDefinition waveform_definition();
FeatureDefinition rms_definition();
FeatureDefinition onset_strength_definition();
FeatureDefinition tempo_definition();

}  // namespace descriptors

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
                                                       waveform_definition(),
                                                       onset_strength_definition(),
                                                       tempo_definition(),
                                                   });
  return registry;
}

const FeatureDefinition& find_feature(const std::string& name) {
  return feature_registry().at(name);
}

}  // namespace mirkit::features
