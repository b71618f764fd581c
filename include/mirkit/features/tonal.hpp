// Chroma from a constant-Q spectrogram, and the tonal centroids (tonnetz) of a chromagram, as
// librosa.feature.chroma_cqt and librosa.feature.tonnetz.
#pragma once

#include "mirkit/dsp/matrix.hpp"

namespace mirkit::features {

// The CQT-bin to pitch-class map (librosa.filters.cq_to_chroma): n_chroma × n_input, each CQT
// bin counted once, for bins_per_octave a multiple of n_chroma.
dsp::MatrixD cq_to_chroma(int n_input, int bins_per_octave = 12, int n_chroma = 12,
                          double fmin = 32.70319566257483, bool base_c = true);

// cqt_magnitude: frames × CQT bins. Returns frames × n_chroma, each frame scaled so that its
// largest class is 1 (silent frames stay 0).
dsp::Matrix chroma_cqt(const dsp::Matrix& cqt_magnitude, const dsp::MatrixD& cq_to_chroma);

// chroma: frames × 12. Returns frames × 6: fifths (x, y), minor thirds (x, y), major thirds
// (x, y) of the L1-normalised chroma (Harte et al. 2006).
dsp::Matrix tonnetz(const dsp::Matrix& chroma);

}  // namespace mirkit::features
