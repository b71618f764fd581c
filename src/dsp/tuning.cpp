#include "mirkit/dsp/tuning.hpp"

#include <algorithm>
#include <cmath>

#include "mirkit/core/error.hpp"

namespace mirkit::dsp {

double pitch_tuning(const std::vector<double>& frequencies, double resolution,
                    int bins_per_octave) {
  if (!(resolution > 0.0 && resolution < 1.0))
    throw usage_error("tuning resolution must be in (0, 1)");
  // Histogram edges as numpy.linspace(−0.5, 0.5, ceil(1/resolution) + 1).
  const int bins = static_cast<int>(std::ceil(1.0 / resolution));
  std::vector<double> edges(static_cast<std::size_t>(bins) + 1);
  const double step = 1.0 / bins;
  for (int i = 0; i <= bins; ++i)
    edges[static_cast<std::size_t>(i)] = i == bins ? 0.5 : i * step - 0.5;
  std::vector<long> counts(static_cast<std::size_t>(bins), 0);
  bool any = false;
  for (double f : frequencies) {
    if (!(f > 0.0)) continue;
    any = true;
    // Deviation from the nearest equal-tempered pitch, in bins, in [−0.5, 0.5).
    double residual = std::fmod(bins_per_octave * std::log2(f / (440.0 / 16.0)), 1.0);
    if (residual < 0.0) residual += 1.0;
    if (residual >= 0.5) residual -= 1.0;
    // numpy.histogram's bin search: computed index, corrected against the actual edges.
    auto index = static_cast<long>((residual + 0.5) * bins);
    index = std::clamp<long>(index, 0, bins - 1);
    if (residual < edges[static_cast<std::size_t>(index)]) --index;
    if (index < bins - 1 && residual >= edges[static_cast<std::size_t>(index) + 1]) ++index;
    if (index >= 0 && index < bins) ++counts[static_cast<std::size_t>(index)];
  }
  if (!any) return 0.0;
  const auto peak = std::max_element(counts.begin(), counts.end()) - counts.begin();
  return edges[static_cast<std::size_t>(peak)];
}

double estimate_tuning(const Matrix& magnitude, int sample_rate, int n_fft,
                       const TuningOptions& options) {
  const Eigen::Index bins = magnitude.cols();
  const double fmin = std::max(options.fmin, 0.0);
  const double fmax = std::min(options.fmax, sample_rate / 2.0);
  std::vector<double> pitches, strengths;
  for (Eigen::Index f = 0; f < magnitude.rows(); ++f) {
    const auto s = [&](Eigen::Index k) { return static_cast<double>(magnitude(f, k)); };
    const double floor = options.threshold * magnitude.row(f).maxCoeff();
    const auto kept = [&](Eigen::Index k) { return s(k) > floor ? s(k) : 0.0; };
    for (Eigen::Index k = 0; k < bins; ++k) {
      const double hz = static_cast<double>(k) * sample_rate / n_fft;
      if (!(hz >= fmin && hz < fmax)) continue;
      // util.localmax with edge padding: above the left neighbour, not below the right one.
      const double here = kept(k);
      const double left = kept(std::max<Eigen::Index>(k - 1, 0));
      const double right = kept(std::min<Eigen::Index>(k + 1, bins - 1));
      if (!(here > left && here >= right)) continue;
      // Parabolic interpolation (librosa's stencil): no shift at the edges or beyond ±1 bin.
      double shift = 0.0;
      if (k > 0 && k + 1 < bins) {
        const double a = s(k + 1) + s(k - 1) - 2.0 * s(k);
        const double b = (s(k + 1) - s(k - 1)) / 2.0;
        shift = std::abs(b) >= std::abs(a) ? 0.0 : -b / a;
      }
      // numpy.gradient along frequency: central inside, one-sided at the ends.
      const double gradient = k == 0          ? s(1) - s(0)
                              : k == bins - 1 ? s(k) - s(k - 1)
                                              : (s(k + 1) - s(k - 1)) / 2.0;
      pitches.push_back((static_cast<double>(k) + shift) * sample_rate / n_fft);
      strengths.push_back(s(k) + 0.5 * gradient * shift);
    }
  }
  // Keep the peaks at least as strong as the median peak (numpy.median) of those with a pitch.
  std::vector<double> positive;
  for (std::size_t i = 0; i < pitches.size(); ++i) {
    if (pitches[i] > 0.0) positive.push_back(strengths[i]);
  }
  double threshold = 0.0;
  if (!positive.empty()) {
    std::sort(positive.begin(), positive.end());
    const std::size_t mid = positive.size() / 2;
    threshold =
        positive.size() % 2 == 1 ? positive[mid] : 0.5 * (positive[mid - 1] + positive[mid]);
  }
  std::vector<double> selected;
  for (std::size_t i = 0; i < pitches.size(); ++i) {
    if (pitches[i] > 0.0 && strengths[i] >= threshold) selected.push_back(pitches[i]);
  }
  return pitch_tuning(selected, options.resolution, options.bins_per_octave);
}

}  // namespace mirkit::dsp
