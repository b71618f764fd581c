// The matrix types of every layer: float, row-major, so a row (a spectrogram's frame, a feature
// file's item, a network's example) is contiguous. A spectrogram is stored frames × bins (the
// transpose of librosa's (bins, frames)). dsp:: and nn:: use these, under the same names.
#pragma once

#include <Eigen/Core>
#include <complex>

namespace mirkit {

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatrixD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Vector = Eigen::VectorXf;
// A complex spectrogram, frames × bins like the others.
using ComplexMatrix =
    Eigen::Matrix<std::complex<float>, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

}  // namespace mirkit
