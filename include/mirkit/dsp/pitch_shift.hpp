// Pitch shifting on the waveform, as librosa.effects.pitch_shift: time-stretch by
// 1 / 2^(semitones/12), then resample back so the duration is the input's again.
#pragma once

#include <span>
#include <vector>

#include "mirkit/dsp/stft.hpp"

namespace mirkit::dsp {

// The largest |semitones| pitch_shift accepts: two octaves, a stretch by 1/4…4 (beyond it the
// phase vocoder leaves little of the sound but its artefacts).
inline constexpr double kMaxPitchShiftSemitones = 24.0;

// `samples` at `sample_rate` Hz moved by `semitones` (fractional allowed; + is up), exactly
// samples.size() samples long. The stretch uses `options` (see time_stretch); the resampling is
// io::resample at the high quality, the closer of mirkit's two to librosa's default soxr_hq,
// from round(sample_rate · 2^(semitones/12)) Hz (the rate rounded to a whole Hz: under 0.1 cent
// of pitch at 22.05 kHz). Each distinct shift keeps its resampling filter (up to 0.6 MB
// for a shift down, up to 2.3 MB for a large one up) cached
// for the life of the process, like every rate pair the resampler has seen: draw augmentation
// shifts from a finite set (say, whole or half semitones). Throws a usage Error on empty input,
// |semitones| > kMaxPitchShiftSemitones or a rate the resampler cannot take.
std::vector<float> pitch_shift(std::span<const float> samples, int sample_rate, double semitones,
                               const StftOptions& options = {});

}  // namespace mirkit::dsp
