// Time stretching by a phase vocoder, as librosa.phase_vocoder and librosa.effects.time_stretch
// (Ellis 2002): the magnitudes are interpolated between analysis frames and each bin's phase
// advances by its measured instantaneous frequency, so tones keep their pitch.
#pragma once

#include <span>
#include <vector>

#include "mirkit/dsp/matrix.hpp"
#include "mirkit/dsp/stft.hpp"

namespace mirkit::dsp {

// `spectrum` (frames × bins) played `rate` times as fast: ceil(frames / rate) frames, frame t
// read at analysis time t·rate. rate > 1 is faster (fewer frames). librosa's hop_length is not
// needed: the phase advance it expects cancels out of the result.
ComplexMatrix phase_vocoder(const ComplexMatrix& spectrum, double rate);

// `samples` played `rate` times as fast without changing pitch: round(size / rate) samples
// (STFT under `options`, librosa's n_fft 2048 / hop 512 / Hann / centred by default, phase
// vocoder, istft). Throws a usage Error on empty input or on a rate that is not a finite
// number > 0, or that would make more than 2³¹ samples.
std::vector<float> time_stretch(std::span<const float> samples, double rate,
                                const StftOptions& options = {});

}  // namespace mirkit::dsp
