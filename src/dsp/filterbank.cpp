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
    row.weights = dense.row(r).segment(first, last - first).transpose().cast<float>();
  }
  // Mel filters touch a few bins each; chroma filters touch all of them. Past a quarter of the
  // bins per filter on average, a blocked matrix product is faster than row-by-row sums.
  Eigen::Index touched = 0;
  for (const Row& row : rows_)
    touched += row.weights.size();
  dense_ = dense.rows() > 0 && touched > dense.rows() * dense.cols() / 4;
  if (dense_) dense_weights_ = dense.transpose().cast<float>();
}

Matrix Filterbank::apply(const Matrix& spectrogram) const {
  if (spectrogram.cols() != bins_) {
    throw Error("filter bank expects " + std::to_string(bins_) + " bins, got " +
                std::to_string(spectrogram.cols()));
  }
  if (dense_) return spectrogram * dense_weights_;
  Matrix out(spectrogram.rows(), filters());
  for (Eigen::Index f = 0; f < spectrogram.rows(); ++f) {
    const float* frame = spectrogram.row(f).data();
    for (std::size_t r = 0; r < rows_.size(); ++r) {
      const Row& row = rows_[r];
      const float* x = frame + row.first;
      const float* w = row.weights.data();
      const auto n = static_cast<std::size_t>(row.weights.size());
      // Four partial sums: rounding stays ~1e-7 relative, and short mel rows skip the
      // overhead of a general dot product.
      float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      std::size_t k = 0;
      for (; k + 4 <= n; k += 4) {
        s0 += w[k] * x[k];
        s1 += w[k + 1] * x[k + 1];
        s2 += w[k + 2] * x[k + 2];
        s3 += w[k + 3] * x[k + 3];
      }
      for (; k < n; ++k)
        s0 += w[k] * x[k];
      out(f, static_cast<Eigen::Index>(r)) = (s0 + s1) + (s2 + s3);
    }
  }
  return out;
}

}  // namespace mirkit::dsp
