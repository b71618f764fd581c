#include "mirkit/features/tonal.hpp"

#include <cmath>
#include <limits>
#include <numbers>

#include "mirkit/core/error.hpp"

namespace mirkit::features {

dsp::MatrixD cq_to_chroma(int n_input, int bins_per_octave, int n_chroma, double fmin,
                          bool base_c) {
  if (n_chroma < 1 || bins_per_octave % n_chroma != 0) {
    throw usage_error("bins_per_octave must be a multiple of n_chroma");
  }
  const int merge = bins_per_octave / n_chroma;
  // Pitch class of the first CQT bin, in chroma bins (MIDI note number mod 12, scaled).
  const double midi = 12.0 * std::log2(fmin / 440.0) + 69.0;
  const double first = std::fmod(std::fmod(midi, 12.0) + 12.0, 12.0) - (base_c ? 0.0 : 9.0);
  const auto roll = static_cast<int>(std::nearbyint(first * n_chroma / 12.0));
  dsp::MatrixD map = dsp::MatrixD::Zero(n_chroma, n_input);
  for (int bin = 0; bin < n_input; ++bin) {
    // Within an octave, bins are grouped `merge` at a time, centred on the class (roll by
    // −merge/2), then the rows are rolled to the first bin's class.
    const int within = bin % bins_per_octave;
    const int chroma = ((within + merge / 2) / merge) % n_chroma;
    map(((chroma + roll) % n_chroma + n_chroma) % n_chroma, bin) = 1.0;
  }
  return map;
}

dsp::Matrix chroma_cqt(const dsp::Matrix& cqt_magnitude, const dsp::MatrixD& map) {
  if (cqt_magnitude.cols() != map.cols()) {
    throw Error("chroma_cqt: the map expects " + std::to_string(map.cols()) + " CQT bins, got " +
                std::to_string(cqt_magnitude.cols()));
  }
  dsp::Matrix chroma = (cqt_magnitude.cast<double>() * map.transpose()).cast<float>();
  for (Eigen::Index f = 0; f < chroma.rows(); ++f) {
    const float peak = chroma.row(f).cwiseAbs().maxCoeff();
    if (peak >= std::numeric_limits<float>::min()) chroma.row(f) /= peak;
  }
  return chroma;
}

dsp::Matrix tonnetz(const dsp::Matrix& chroma) {
  const Eigen::Index n = chroma.cols();
  // Rows: sin/cos of the circle of fifths (7/6 turns per class... r = 1), minor thirds (r = 1),
  // major thirds (r = 0.5).
  static constexpr double kScale[6] = {7.0 / 6, 7.0 / 6, 3.0 / 2, 3.0 / 2, 2.0 / 3, 2.0 / 3};
  static constexpr double kRadius[6] = {1, 1, 1, 1, 0.5, 0.5};
  dsp::MatrixD phi(6, n);
  for (int p = 0; p < 6; ++p) {
    for (Eigen::Index c = 0; c < n; ++c) {
      double v = kScale[p] * 12.0 * static_cast<double>(c) / static_cast<double>(n);
      if (p % 2 == 0) v -= 0.5;  // even rows: sin
      phi(p, c) = kRadius[p] * std::cos(std::numbers::pi * v);
    }
  }
  dsp::Matrix out(chroma.rows(), 6);
  for (Eigen::Index f = 0; f < chroma.rows(); ++f) {
    const Eigen::RowVectorXd frame = chroma.row(f).cast<double>();
    const double l1 = frame.cwiseAbs().sum();
    const Eigen::RowVectorXd unit =
        l1 >= std::numeric_limits<float>::min() ? Eigen::RowVectorXd(frame / l1) : frame;
    out.row(f) = (unit * phi.transpose()).cast<float>();
  }
  return out;
}

}  // namespace mirkit::features
