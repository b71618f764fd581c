// Mel scales and the mel filter bank, as librosa.filters.mel (Slaney 1998 "Auditory Toolbox"
// scale and area normalisation by default; HTK's 2595·log10(1 + f/700) on request).
#pragma once

#include <vector>

#include "mirkit/dsp/matrix.hpp"

namespace mirkit::dsp {

enum class MelScale { slaney, htk };

double hz_to_mel(double hz, MelScale scale = MelScale::slaney);
double mel_to_hz(double mel, MelScale scale = MelScale::slaney);

// `count` frequencies in Hz, evenly spaced on the mel scale from fmin to fmax (both included).
std::vector<double> mel_frequencies(int count, double fmin, double fmax,
                                    MelScale scale = MelScale::slaney);

// The centre frequency of each FFT bin: k · sample_rate / n_fft, k = 0 … n_fft/2.
std::vector<double> fft_frequencies(int sample_rate, int n_fft);

struct MelOptions {
  int n_mels = 128;
  double fmin = 0.0;
  double fmax = 0.0;  // 0: sample_rate / 2
  MelScale scale = MelScale::slaney;
  bool slaney_norm = true;  // divide each triangle by its width in Hz (equal area), or not
};

// Triangular filters, n_mels × (n_fft/2 + 1), in double (round to float where it is used).
MatrixD mel_filterbank(int sample_rate, int n_fft, const MelOptions& options = {});

}  // namespace mirkit::dsp
