#include "mirkit/dsp/hpss.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

#include "mirkit/core/cpu_dispatch.hpp"
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

// Eight lines at once, one per lane (GCC vector extensions: AVX2 when the CPU has it).
constexpr std::size_t kLanes = 8;

// Half-sample symmetric extension of 0 … n − 1, period 2n (scipy.ndimage's "reflect").
inline std::ptrdiff_t reflect(std::ptrdiff_t i, std::ptrdiff_t n) {
  const std::ptrdiff_t period = 2 * n;
  std::ptrdiff_t j = i % period;
  if (j < 0) j += period;
  return j >= n ? period - 1 - j : j;
}

// The sliding window of median_filter_line, for `lanes` (≤ kLanes) lines at once: lane j of
// position t is x[t · stride + j · lane_stride] (and so in `out`). Each lane keeps its window
// sorted; a step removes the leaving value ℓ and inserts the entering one e without a branch,
//   S'[i] = S[i] < ℓ ? S[i] : S[i + 1]              (S without ℓ)
//   T[i]  = min(S'[i], max(S'[i − 1], e))           (S' with e; S'[−1] = −∞, S'[k − 1] = +∞)
// which is the sorted multiset the scalar erase-and-insert gives, so the medians are the same
// floats. `scratch` holds kernel × kLanes floats, aligned to 32 bytes.
MIRKIT_TARGET_CLONES
void median_filter_lanes(const float* x, std::ptrdiff_t n, std::ptrdiff_t stride,
                         std::ptrdiff_t lane_stride, std::size_t lanes, int kernel, float* out,
                         float* scratch) {
  typedef float Lanes __attribute__((vector_size(kLanes * sizeof(float))));
  auto* window = reinterpret_cast<Lanes*>(scratch);
  const std::ptrdiff_t half = kernel / 2;
  const auto k = static_cast<std::size_t>(kernel);
  constexpr float kInf = std::numeric_limits<float>::infinity();
  const Lanes minus_inf = Lanes{} - kInf, plus_inf = Lanes{} + kInf;
  // Through a reference: a vector returned by value would change the ABI outside the AVX2 clone.
  // Lanes side by side, all of them, are one vector load (a constant-size copy); otherwise value
  // by value (a variable-size copy would become a call to memmove).
  const bool full = lanes == kLanes && lane_stride == 1;
  const auto load = [&](std::ptrdiff_t t, Lanes& v) {
    const float* row = x + reflect(t, n) * stride;
    if (full) {
      std::memcpy(&v, row, sizeof(Lanes));
      return;
    }
    v = Lanes{};
    for (std::size_t j = 0; j < lanes; ++j)
      v[j] = row[static_cast<std::ptrdiff_t>(j) * lane_stride];
  };
  // The first window, sorted by inserting its values one by one with the same rule.
  for (std::size_t size = 0; size < k; ++size) {
    Lanes entering;
    load(static_cast<std::ptrdiff_t>(size) - half, entering);
    Lanes previous = minus_inf;
    for (std::size_t i = 0; i <= size; ++i) {
      const Lanes current = i < size ? window[i] : plus_inf;
      const Lanes larger = previous < entering ? entering : previous;
      window[i] = current < larger ? current : larger;
      previous = current;
    }
  }
  for (std::ptrdiff_t t = 0; t < n; ++t) {
    const Lanes median = window[half];
    float* row = out + t * stride;
    if (full) {
      std::memcpy(row, &median, sizeof(Lanes));
    } else {
      for (std::size_t j = 0; j < lanes; ++j)
        row[static_cast<std::ptrdiff_t>(j) * lane_stride] = median[j];
    }
    if (t + 1 == n) break;
    Lanes leaving, entering;
    load(t - half, leaving);
    load(t + half + 1, entering);
    Lanes previous = minus_inf;
    for (std::size_t i = 0; i < k; ++i) {
      const Lanes current =
          i + 1 < k ? (window[i] < leaving ? window[i] : window[i + 1]) : plus_inf;
      const Lanes larger = previous < entering ? entering : previous;
      window[i] = current < larger ? current : larger;
      previous = current;
    }
  }
}

// librosa.util.softmask: (X/Z)^p / ((X/Z)^p + (R/Z)^p) with Z = max(X, R); where both are
// (nearly) zero (Z below the smallest normal float) the bin is split evenly, or given to neither
// when split_zeros is false.
float soft_mask(float x, float reference, double power, bool split_zeros) {
  const float z = std::max(x, reference);
  if (z < std::numeric_limits<float>::min()) return split_zeros ? 0.5f : 0.0f;
  const double mask = std::pow(static_cast<double>(x) / z, power);
  const double other = std::pow(static_cast<double>(reference) / z, power);
  return static_cast<float>(mask / (mask + other));
}

// The two masked parts at the default power 2, where the mask is X² / (X² + R²): the squares of
// floats are exact in double, so this is the same ratio as softmask's with one rounding less
// (agreeing with it to the float), and without a branch it runs in vector lanes.
MIRKIT_TARGET_CLONES
void square_masks(const float* spectrum, const float* harmonic_median,
                  const float* percussive_median, std::size_t count, float harmonic_margin,
                  float percussive_margin, bool split_zeros, float* harmonic, float* percussive) {
  const double split = split_zeros ? 0.5 : 0.0;
  constexpr float kSmallest = std::numeric_limits<float>::min();
  for (std::size_t i = 0; i < count; ++i) {
    const float h = harmonic_median[i], p = percussive_median[i], s = spectrum[i];
    const float ph = p * harmonic_margin, hp = h * percussive_margin;
    const double h2 = static_cast<double>(h) * h, p2 = static_cast<double>(p) * p;
    const double ph2 = static_cast<double>(ph) * ph, hp2 = static_cast<double>(hp) * hp;
    // Where Z is below the smallest normal the sum may be 0: divide by 1 there, then split.
    const bool zero_h = std::max(h, ph) < kSmallest, zero_p = std::max(p, hp) < kSmallest;
    const double mask_h = zero_h ? split : h2 / (zero_h ? 1.0 : h2 + ph2);
    const double mask_p = zero_p ? split : p2 / (zero_p ? 1.0 : p2 + hp2);
    harmonic[i] = s * static_cast<float>(mask_h);
    percussive[i] = s * static_cast<float>(mask_p);
  }
}

}  // namespace

Matrix median_filter(const Matrix& x, int kernel, MedianAxis axis) {
  if (kernel < 1 || kernel % 2 == 0) throw usage_error("a median filter's kernel must be odd");
  Matrix out(x.rows(), x.cols());
  if (x.size() == 0) return out;
  // The windows' scratch, aligned by hand to the vector's size: alignof of an 8-float vector is
  // 16 outside the AVX2 clone, where it is two SSE registers.
  const auto k = static_cast<std::size_t>(kernel);
  std::vector<float> scratch((k + 1) * kLanes);
  void* storage = scratch.data();
  std::size_t space = scratch.size() * sizeof(float);
  auto* window = static_cast<float*>(
      std::align(kLanes * sizeof(float), k * kLanes * sizeof(float), storage, space));
  // Down the columns: eight neighbouring columns side by side. Along the rows: eight rows, one
  // value of each per step.
  const bool columns = axis == MedianAxis::columns;
  const Eigen::Index lines = columns ? x.cols() : x.rows();
  const Eigen::Index length = columns ? x.rows() : x.cols();
  const std::ptrdiff_t stride = columns ? x.cols() : 1, lane_stride = columns ? 1 : x.cols();
  for (Eigen::Index first = 0; first < lines; first += static_cast<Eigen::Index>(kLanes)) {
    const auto lanes = static_cast<std::size_t>(std::min<Eigen::Index>(kLanes, lines - first));
    const std::ptrdiff_t offset = first * lane_stride;
    median_filter_lanes(x.data() + offset, length, stride, lane_stride, lanes, kernel,
                        out.data() + offset, window);
  }
  return out;
}

HpssParts hpss(const Matrix& magnitude, const HpssOptions& options) {
  if (options.harmonic_kernel < 1 || options.harmonic_kernel % 2 == 0 ||
      options.percussive_kernel < 1 || options.percussive_kernel % 2 == 0) {
    throw usage_error("HPSS kernel sizes must be odd and ≥ 1");
  }
  if (options.harmonic_margin < 1.0 || options.percussive_margin < 1.0) {
    throw usage_error("HPSS margins must be ≥ 1");
  }
  const Eigen::Index frames = magnitude.rows(), bins = magnitude.cols();
  // Along time, bin by bin; along frequency, frame by frame.
  const Matrix harmonic_median =
      median_filter(magnitude, options.harmonic_kernel, MedianAxis::columns);
  const Matrix percussive_median =
      median_filter(magnitude, options.percussive_kernel, MedianAxis::rows);

  const bool split_zeros = options.harmonic_margin == 1.0 && options.percussive_margin == 1.0;
  HpssParts parts{Matrix(frames, bins), Matrix(frames, bins)};
  if (options.power == 2.0) {
    square_masks(magnitude.data(), harmonic_median.data(), percussive_median.data(),
                 static_cast<std::size_t>(magnitude.size()),
                 static_cast<float>(options.harmonic_margin),
                 static_cast<float>(options.percussive_margin), split_zeros, parts.harmonic.data(),
                 parts.percussive.data());
    return parts;
  }
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
