// The DCT-II with orthonormal scaling (scipy.fftpack.dct(type=2, norm="ortho")), as a matrix.
#pragma once

#include "mirkit/dsp/matrix.hpp"

namespace mirkit::dsp {

// n_out × n_in: row k is sqrt(2/N)·cos(π k (2n + 1) / 2N), row 0 scaled by 1/√2 more.
MatrixD dct2_ortho(int n_in, int n_out);

}  // namespace mirkit::dsp
