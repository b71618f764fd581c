#include "mirkit/features/delta.hpp"

#include <Eigen/Dense>
#include <algorithm>

#include "mirkit/core/error.hpp"

namespace mirkit::features {
namespace {

// Savitzky–Golay weights that give the `order`-th derivative at the centre of a window of
// `width` points, from the least-squares polynomial of degree `order` (scipy.signal.savgol_coeffs).
Eigen::VectorXd savgol_weights(int width, int order) {
  const int half = width / 2;
  Eigen::MatrixXd vandermonde(width, order + 1);
  for (int i = 0; i < width; ++i) {
    for (int p = 0; p <= order; ++p)
      vandermonde(i, p) = std::pow(i - half, p);
  }
  // Row `order` of the pseudo-inverse gives the coefficient of x^order; its derivative of
  // the same order is order! times it.
  const Eigen::MatrixXd pseudo_inverse =
      (vandermonde.transpose() * vandermonde).ldlt().solve(vandermonde.transpose());
  double factorial = 1.0;
  for (int p = 2; p <= order; ++p)
    factorial *= p;
  return pseudo_inverse.row(order).transpose() * factorial;
}

}  // namespace

dsp::Matrix delta(const dsp::Matrix& features, int width, int order) {
  if (width < 3 || width % 2 == 0) throw usage_error("delta width must be odd and ≥ 3");
  if (order < 1 || order >= width) throw usage_error("delta order must be ≥ 1 and < width");
  const auto frames = static_cast<int>(features.rows());
  dsp::Matrix result = dsp::Matrix::Zero(features.rows(), features.cols());
  if (frames < width) width = frames % 2 == 1 ? frames : frames - 1;
  if (width <= order) return result;

  const Eigen::VectorXd weights = savgol_weights(width, order);
  const int half = width / 2;
  // The polynomial's degree equals the derivative's order, so at the edges ("interp": the fit
  // over the first or last `width` frames) the derivative is constant: the value at the centre
  // of that first or last window.
  for (int t = 0; t < frames; ++t) {
    const int centre = std::clamp(t, half, frames - 1 - half);
    for (Eigen::Index d = 0; d < features.cols(); ++d) {
      double sum = 0.0;
      for (int i = 0; i < width; ++i)
        sum += weights(i) * features(centre - half + i, d);
      result(t, d) = static_cast<float>(sum);
    }
  }
  return result;
}

DeltaStream::DeltaStream(int orders, int width) : orders_(orders), width_(width) {
  if (width < 3 || width % 2 == 0) throw usage_error("delta width must be odd and ≥ 3");
}

dsp::Matrix DeltaStream::push(const dsp::Matrix& frames) {
  if (held_.cols() == 0) held_.resize(0, frames.cols());
  const Eigen::Index before = held_.rows();
  held_.conservativeResize(before + frames.rows(), frames.cols());
  held_.bottomRows(frames.rows()) = frames;
  received_ += frames.rows();
  // Until `width` frames have come the sequence may end short, which narrows every window.
  if (received_ < width_) return dsp::Matrix(0, held_.cols() * (1 + orders_));
  return emit(received_ - width_ / 2);
}

dsp::Matrix DeltaStream::finish() {
  return emit(received_);
}

dsp::Matrix DeltaStream::emit(Eigen::Index end) {
  const Eigen::Index dims = held_.cols();
  const Eigen::Index count = end - emitted_;
  dsp::Matrix out(count, dims * (1 + orders_));
  const Eigen::Index first = emitted_ - held_start_;  // in held_
  out.leftCols(dims) = held_.middleRows(first, count);
  // A frame's window reads at most width / 2 frames either side; held_ starts `width` frames
  // before the first frame out (or at the sequence's start), so held_'s own first edge, which
  // delta() clamps, is never read for a frame that leaves, and a clamp at held_'s end is the
  // sequence's end only at finish().
  for (int order = 1; order <= orders_; ++order) {
    out.middleCols(dims * order, dims) = delta(held_, width_, order).middleRows(first, count);
  }
  emitted_ = end;
  const Eigen::Index keep_from = std::max<Eigen::Index>(0, emitted_ - width_);
  if (keep_from > held_start_) {
    const Eigen::Index drop = keep_from - held_start_;
    held_ = held_.bottomRows(held_.rows() - drop).eval();
    held_start_ = keep_from;
  }
  return out;
}

}  // namespace mirkit::features
