// Mel-frequency cepstral coefficients, as librosa.feature.mfcc(S=mel_db): the orthonormal
// DCT-II of each frame of a log-mel spectrogram, optionally liftered.
#pragma once

#include "mirkit/dsp/matrix.hpp"

namespace mirkit::features {

// mel_db: frames × mels (decibels). Returns frames × n_mfcc. lifter > 0 multiplies coefficient k
// by 1 + (lifter/2)·sin(π(k + 1)/lifter) (HTK's cepstral liftering, as librosa).
dsp::Matrix mfcc(const dsp::Matrix& mel_db, int n_mfcc = 20, int lifter = 0);

}  // namespace mirkit::features
