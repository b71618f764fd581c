// Chroma from a power spectrogram, as librosa.feature.chroma_stft: the chroma filter bank applied
// to each frame, then each frame scaled so that its largest class is 1 (silent frames stay 0).
#pragma once

#include "mirkit/dsp/filterbank.hpp"
#include "mirkit/dsp/matrix.hpp"

namespace mirkit::features {

// power: frames × bins; returns frames × n_chroma.
dsp::Matrix chroma_stft(const dsp::Matrix& power, const dsp::Filterbank& chroma_filters);

}  // namespace mirkit::features
