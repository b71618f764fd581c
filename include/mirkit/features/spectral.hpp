// Spectral shape descriptors, one value (or one row) per frame, as librosa.feature.spectral_*.
// Every function takes a magnitude spectrogram, frames × (n_fft/2 + 1), and the rate and FFT size
// that made it; the bin frequencies are k · sample_rate / n_fft. Sums are taken in double.
#pragma once

#include "mirkit/dsp/matrix.hpp"

namespace mirkit::features {

// Σ f·S / Σ S per frame (Hz); 0 for a silent frame.
dsp::Vector spectral_centroid(const dsp::Matrix& magnitude, int sample_rate, int n_fft);

// (Σ S/ΣS · |f − centroid|^p)^(1/p) per frame (Hz), p = 2 by default; 0 for a silent frame.
dsp::Vector spectral_bandwidth(const dsp::Matrix& magnitude, int sample_rate, int n_fft,
                               double p = 2.0);

// The lowest bin frequency at which the cumulative magnitude reaches roll_percent of the frame's
// total (Hz); 0 for a silent frame.
dsp::Vector spectral_rolloff(const dsp::Matrix& magnitude, int sample_rate, int n_fft,
                             double roll_percent = 0.85);

// Geometric over arithmetic mean of max(amin, S^power) per frame: 1 for white noise and silence,
// near 0 for a pure tone.
dsp::Vector spectral_flatness(const dsp::Matrix& magnitude, double power = 2.0,
                              double amin = 1e-10);

struct ContrastOptions {
  double fmin = 200.0;     // upper edge of the first band; each next band is an octave
  int n_bands = 6;         // octave bands above fmin (the result has n_bands + 1 columns)
  double quantile = 0.02;  // peak and valley are the means of the top / bottom quantile of a band
};

// The peak and valley magnitudes of each octave band, frames × (n_bands + 1) each.
struct ContrastBands {
  dsp::Matrix peak, valley;
};
ContrastBands spectral_contrast_bands(const dsp::Matrix& magnitude, int sample_rate, int n_fft,
                                      const ContrastOptions& options = {});

// Peak minus valley of each octave band in dB (Jiang et al. 2002), frames × (n_bands + 1): as
// librosa, power_to_db (ref 1, amin 1e-10, top_db 80 over the whole matrix) of the peak and of
// the valley magnitudes, subtracted.
dsp::Matrix spectral_contrast(const dsp::Matrix& magnitude, int sample_rate, int n_fft,
                              const ContrastOptions& options = {});

}  // namespace mirkit::features
