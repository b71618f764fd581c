// The STFT-to-chroma filter bank, as librosa.filters.chroma (after Ellis' chromagram_E): each FFT
// bin spreads over the pitch classes by a Gaussian in pitch, weighted by a Gaussian in octaves
// around `ctroct`.
#pragma once

#include <optional>

#include "mirkit/dsp/matrix.hpp"

namespace mirkit::dsp {

struct ChromaOptions {
  int n_chroma = 12;
  double tuning = 0.0;  // deviation from A440 in fractions of a chroma bin
  double ctroct = 5.0;  // centre of the octave weighting (octaves above A0/16·…)
  std::optional<double> octwidth = 2.0;  // width of the octave weighting; none: flat
  double norm = 2.0;   // L-p norm of each bin's column before the octave weighting
  bool base_c = true;  // first row is C (else A)
};

// n_chroma × (n_fft/2 + 1), in double.
MatrixD chroma_filterbank(int sample_rate, int n_fft, const ChromaOptions& options = {});

}  // namespace mirkit::dsp
