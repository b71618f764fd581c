// Tuning estimation as librosa.estimate_tuning: spectral peaks by parabolic interpolation
// (piptrack), then a histogram of their deviations from the equal-tempered grid.
#pragma once

#include <vector>

#include "mirkit/dsp/matrix.hpp"

namespace mirkit::dsp {

struct TuningOptions {
  double resolution = 0.01;  // histogram bin, in fractions of a semitone
  int bins_per_octave = 12;
  double fmin = 150.0;  // peaks are sought in [fmin, fmax) Hz
  double fmax = 4000.0;
  double threshold = 0.1;  // a peak must exceed this fraction of its frame's maximum
};

// Deviation from A440 tuning in fractions of a bin, in [−0.5, 0.5): 0 when no peak is found.
// magnitude: frames × (n_fft/2 + 1).
double estimate_tuning(const Matrix& magnitude, int sample_rate, int n_fft,
                       const TuningOptions& options = {});

// librosa.pitch_tuning: the histogram peak of the deviations of `frequencies` (Hz, > 0 kept).
double pitch_tuning(const std::vector<double>& frequencies, double resolution = 0.01,
                    int bins_per_octave = 12);

}  // namespace mirkit::dsp
