// One function per built-in feature, each defined in its own file under descriptors/.
#pragma once

#include "mirkit/features/feature.hpp"

namespace mirkit::features::descriptors {

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
FeatureDefinition rms_definition();
FeatureDefinition onset_strength_definition();
FeatureDefinition tempo_definition();

}  // namespace mirkit::features::descriptors
