// A bank of spectral filters stored by their non-zero span only: a mel filter covers a few FFT
// bins, so applying 128 of them costs about two multiply-adds per bin instead of 128.
#pragma once

#include <vector>

#include "mirkit/dsp/matrix.hpp"

namespace mirkit::dsp {

class Filterbank {
 public:
  // From a dense filters × bins matrix (zeros at either end of a row are dropped).
  explicit Filterbank(const MatrixD& dense);

  int filters() const { return static_cast<int>(rows_.size()); }
  int bins() const { return bins_; }

  // spectrogram (frames × bins) → frames × filters.
  Matrix apply(const Matrix& spectrogram) const;

 private:
  struct Row {
    int first = 0;            // first non-zero bin
    Eigen::VectorXf weights;  // from `first` on
  };
  std::vector<Row> rows_;
  int bins_ = 0;
  // Filters that cover most bins (chroma) are applied densely instead: every filter's
  // weights over all bins, filters padded with zero rows to a whole number of groups.
  bool dense_ = false;
  std::vector<float> dense_weights_;  // padded filters × bins, row-major
};

}  // namespace mirkit::dsp
