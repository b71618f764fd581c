// The inverse short-time Fourier transform, as librosa.istft: each frame's inverse DFT is
// windowed, overlap-added at t·hop and divided by the window's sum of squares, so that
// istft(stft(x)) == x wherever that sum is not vanishingly small.
#pragma once

#include <cstddef>
#include <vector>

#include "mirkit/dsp/matrix.hpp"
#include "mirkit/dsp/stft.hpp"

namespace mirkit::dsp {

// The signal whose STFT is `spectrum` (frames × bins, bins = n_fft/2 + 1 with `options.n_fft`;
// pad_mode is not used). `length` > 0 gives exactly that many samples (frames that cannot reach
// them are skipped, the tail is zeros past the last frame); 0 gives the natural length,
// (frames − 1)·hop for centred frames, n_fft + (frames − 1)·hop otherwise. Throws a usage Error
// on a bin count that does not match n_fft.
std::vector<float> istft(const ComplexMatrix& spectrum, const StftOptions& options = {},
                         std::size_t length = 0);

}  // namespace mirkit::dsp
