#include "mirkit/dsp/filterbank.hpp"

#include "mirkit/core/error.hpp"

namespace mirkit::dsp {

Filterbank::Filterbank(const MatrixD& dense) : bins_(static_cast<int>(dense.cols())) {
  rows_.resize(static_cast<std::size_t>(dense.rows()));
  for (Eigen::Index r = 0; r < dense.rows(); ++r) {
    Eigen::Index first = 0, last = dense.cols();
    while (first < last && dense(r, first) == 0.0)
      ++first;
    while (last > first && dense(r, last - 1) == 0.0)
      --last;
    Row& row = rows_[static_cast<std::size_t>(r)];
    row.first = static_cast<int>(first);
    for (Eigen::Index k = first; k < last; ++k)
      row.weights.push_back(dense(r, k));
  }
}

Matrix Filterbank::apply(const Matrix& spectrogram) const {
  if (spectrogram.cols() != bins_) {
    throw Error("filter bank expects " + std::to_string(bins_) + " bins, got " +
                std::to_string(spectrogram.cols()));
  }
  Matrix out(spectrogram.rows(), filters());
  for (Eigen::Index f = 0; f < spectrogram.rows(); ++f) {
    const float* frame = spectrogram.row(f).data();
    for (std::size_t r = 0; r < rows_.size(); ++r) {
      const Row& row = rows_[r];
      const float* x = frame + row.first;
      double sum = 0.0;
      for (std::size_t k = 0; k < row.weights.size(); ++k)
        sum += row.weights[k] * x[k];
      out(f, static_cast<Eigen::Index>(r)) = static_cast<float>(sum);
    }
  }
  return out;
}

}  // namespace mirkit::dsp
