// The matrix types of the time–frequency layers. A spectrogram is stored frames × bins: one row
// per frame, row-major, so a frame is contiguous (the transpose of librosa's (bins, frames)).
#pragma once

#include <Eigen/Core>
#include <complex>

namespace mirkit::dsp {

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatrixD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Vector = Eigen::VectorXf;
// A complex spectrogram, frames × bins like the others.
using ComplexMatrix =
    Eigen::Matrix<std::complex<float>, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

}  // namespace mirkit::dsp
