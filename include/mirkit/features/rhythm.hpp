// Onset strength and a global tempo estimate, as librosa.onset.onset_strength and
// librosa.feature.tempo with their defaults.
#pragma once

#include "mirkit/dsp/matrix.hpp"

namespace mirkit::features {

// Spectral flux of a log-power mel spectrogram (frames × mels, in dB): the mean over bands of
// the positive first difference (lag 1), delayed by lag + n_fft / (2·hop) frames so that each
// value sits at its frame's centre (librosa's centring), and cut to the input's length.
dsp::Vector onset_strength(const dsp::Matrix& mel_db, int n_fft = 2048, int hop = 512);

struct TempoOptions {
  double start_bpm = 120.0;  // centre of the log-normal prior
  double std_bpm = 1.0;      // its width, in octaves
  double ac_size = 8.0;      // autocorrelation window, seconds
  double max_tempo = 320.0;  // BPM; faster periods are excluded
};

// Beats per minute: the argmax over the lags of the onset autocorrelation (Hann-windowed frames
// of ac_size seconds, each normalised, averaged over the clip), weighted by the prior. The result
// lies on librosa's discrete grid 60·sample_rate / (hop·lag).
double tempo(const dsp::Vector& onset_envelope, int sample_rate, int hop = 512,
             const TempoOptions& options = {});

}  // namespace mirkit::features
