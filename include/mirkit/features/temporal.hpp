// Frame-wise time-domain descriptors, framed as librosa (centred frames every `hop` samples, so n
// samples give 1 + n / hop frames).
#pragma once

#include <span>

#include "mirkit/dsp/matrix.hpp"

namespace mirkit::features {

// Fraction of sign changes in each frame (librosa.feature.zero_crossing_rate: centring pads with
// copies of the edge samples; |x| ≤ 1e-10 counts as zero, and zero as positive).
dsp::Vector zero_crossing_rate(std::span<const float> y, int frame_length = 2048, int hop = 512);

// √(mean x²) of each frame, zeros beyond the signal (librosa.feature.rms(y=…), pad "constant").
dsp::Vector rms(std::span<const float> y, int frame_length = 2048, int hop = 512);

// RMS from a magnitude spectrogram by Parseval, as librosa.feature.rms(S=…): the DC and (for even
// frame lengths) Nyquist bins count half. frame_length must be 2·(bins − 1).
dsp::Vector rms_from_magnitude(const dsp::Matrix& magnitude);

}  // namespace mirkit::features
