#include "mirkit/dsp/pitch_shift.hpp"

#include <cmath>
#include <string>

#include "mirkit/core/error.hpp"
#include "mirkit/dsp/time_stretch.hpp"
#include "mirkit/io/resampler.hpp"

namespace mirkit::dsp {

std::vector<float> pitch_shift(std::span<const float> samples, int sample_rate, double semitones,
                               const StftOptions& options) {
  if (samples.empty()) throw usage_error("pitch_shift: the input has no samples");
  if (!std::isfinite(semitones) || std::abs(semitones) > kMaxPitchShiftSemitones) {
    throw usage_error("pitch_shift: " + std::to_string(semitones) +
                      " semitones is outside ±24 (two octaves)");
  }
  // Stretch by sample_rate / shifted_rate, then play the result at shifted_rate Hz back at
  // sample_rate: the duration is restored and every frequency scaled by shifted_rate /
  // sample_rate. librosa resamples from sample_rate · 2^(semitones/12) Hz exactly; mirkit's
  // resampler takes whole rates, so that rate is rounded to a whole Hz.
  const double shifted_rate = std::round(sample_rate * std::exp2(semitones / 12.0));
  if (sample_rate < io::kMinResampleRate || sample_rate > io::kMaxResampleRate ||
      shifted_rate < io::kMinResampleRate || shifted_rate > io::kMaxResampleRate) {
    throw usage_error("pitch_shift: " + std::to_string(sample_rate) + " Hz shifted by " +
                      std::to_string(semitones) + " semitones needs the rates " +
                      std::to_string(sample_rate) + " and " + std::to_string(shifted_rate) +
                      " Hz to lie in " + std::to_string(io::kMinResampleRate) + "…" +
                      std::to_string(io::kMaxResampleRate) + " Hz");
  }
  const std::vector<float> stretched = time_stretch(samples, sample_rate / shifted_rate, options);
  std::vector<float> shifted = io::resample(stretched, static_cast<int>(shifted_rate), sample_rate,
                                            io::ResampleQuality::high);
  shifted.resize(samples.size(), 0.0f);  // librosa.util.fix_length: trim, or pad with zeros
  return shifted;
}

}  // namespace mirkit::dsp
