// Decibels as librosa.power_to_db / amplitude_to_db.
#pragma once

#include <optional>

#include "mirkit/dsp/matrix.hpp"

namespace mirkit::dsp {

struct DecibelOptions {
  double ref = 1.0;  // 0 dB level (a power for power_to_db, an amplitude for amplitude_to_db)
  bool ref_is_max = false;  // use the largest value of the input as ref (librosa's ref=np.max)
  double amin = 1e-10;      // floor before the logarithm (power; amplitude_to_db squares it)
  std::optional<double> top_db = 80.0;  // clip to (max − top_db); none: no clipping
  // The largest dB value that top_db counts down from; none: the largest of this matrix. A clip
  // analysed in pieces passes the whole clip's, so that every piece is clipped as the whole is.
  std::optional<float> max_db;
};

// 10·log10(max(amin, S) / max(amin, ref)), then clipped to within top_db of the largest value of
// the whole matrix (or of options.max_db).
Matrix power_to_db(const Matrix& power, const DecibelOptions& options = {});

// power_to_db(S², ref², amin²) with amin 1e-5 by default.
Matrix amplitude_to_db(const Matrix& amplitude, DecibelOptions options = {.amin = 1e-5});
// The power_to_db options that amplitude_to_db applies to the squared amplitudes.
DecibelOptions power_options_of_amplitude(DecibelOptions amplitude_options = {.amin = 1e-5});

}  // namespace mirkit::dsp
