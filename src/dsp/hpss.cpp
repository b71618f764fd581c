#include "mirkit/dsp/hpss.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "mirkit/core/error.hpp"

namespace mirkit::dsp {

void median_filter_line(const float* x, std::size_t count, std::ptrdiff_t stride, int kernel,
                        float* out, std::ptrdiff_t out_stride) {
  const auto n = static_cast<std::ptrdiff_t>(count);
  const std::ptrdiff_t half = kernel / 2;
  // Half-sample symmetric extension, period 2n.
  auto at = [&](std::ptrdiff_t i) {
    const std::ptrdiff_t period = 2 * n;
    std::ptrdiff_t j = i % period;
    if (j < 0) j += period;
    if (j >= n) j = period - 1 - j;
    return x[j * stride];
  };
  // A sorted copy of the window, updated by one removal and one insertion per step.
  std::vector<float> window;
  window.reserve(static_cast<std::size_t>(kernel));
  for (std::ptrdiff_t i = -half; i <= half; ++i)
    window.push_back(at(i));
  std::sort(window.begin(), window.end());
  for (std::ptrdiff_t t = 0; t < n; ++t) {
    out[t * out_stride] = window[static_cast<std::size_t>(half)];
    if (t + 1 == n) break;
    const float leaving = at(t - half);
    const float entering = at(t + half + 1);
    window.erase(std::lower_bound(window.begin(), window.end(), leaving));
    window.insert(std::upper_bound(window.begin(), window.end(), entering), entering);
  }
}

namespace {

// librosa.util.softmask: (X/Z)^p / ((X/Z)^p + (R/Z)^p) with Z = max(X, R); where both are
// (nearly) zero the bin is split evenly, or given to neither when split_zeros is false.
float soft_mask(float x, float reference, double power, bool split_zeros) {
  const float z = std::max(x, reference);
  if (z < std::numeric_limits<float>::min()) return split_zeros ? 0.5f : 0.0f;
  const double mask = std::pow(static_cast<double>(x) / z, power);
  const double other = std::pow(static_cast<double>(reference) / z, power);
  return static_cast<float>(mask / (mask + other));
}

}  // namespace

HpssParts hpss(const Matrix& magnitude, const HpssOptions& options) {
  if (options.harmonic_kernel < 1 || options.harmonic_kernel % 2 == 0 ||
      options.percussive_kernel < 1 || options.percussive_kernel % 2 == 0) {
    throw usage_error("HPSS kernel sizes must be odd and ≥ 1");
  }
  if (options.harmonic_margin < 1.0 || options.percussive_margin < 1.0) {
    throw usage_error("HPSS margins must be ≥ 1");
  }
  const Eigen::Index frames = magnitude.rows(), bins = magnitude.cols();
  Matrix harmonic_median(frames, bins), percussive_median(frames, bins);
  if (frames > 0) {
    for (Eigen::Index k = 0; k < bins; ++k) {  // along time, bin by bin
      median_filter_line(magnitude.data() + k, static_cast<std::size_t>(frames), bins,
                         options.harmonic_kernel, harmonic_median.data() + k, bins);
    }
  }
  for (Eigen::Index f = 0; f < frames; ++f) {  // along frequency, frame by frame
    median_filter_line(magnitude.row(f).data(), static_cast<std::size_t>(bins), 1,
                       options.percussive_kernel, percussive_median.row(f).data(), 1);
  }

  const bool split_zeros = options.harmonic_margin == 1.0 && options.percussive_margin == 1.0;
  HpssParts parts{Matrix(frames, bins), Matrix(frames, bins)};
  for (Eigen::Index i = 0; i < magnitude.size(); ++i) {
    const float h = harmonic_median.data()[i], p = percussive_median.data()[i];
    const float s = magnitude.data()[i];
    parts.harmonic.data()[i] = s * soft_mask(h, p * static_cast<float>(options.harmonic_margin),
                                             options.power, split_zeros);
    parts.percussive.data()[i] = s * soft_mask(p, h * static_cast<float>(options.percussive_margin),
                                               options.power, split_zeros);
  }
  return parts;
}

}  // namespace mirkit::dsp
