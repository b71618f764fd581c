#include "mirkit/features/temporal.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "mirkit/core/error.hpp"

namespace mirkit::features {
namespace {

void check_framing(int frame_length, int hop) {
  if (frame_length < 1 || hop < 1) throw usage_error("frame_length and hop must be ≥ 1");
}

int frame_count(std::size_t samples, int hop) {
  return static_cast<int>(1 + samples / static_cast<std::size_t>(hop));
}

}  // namespace

dsp::Vector zero_crossing_rate(std::span<const float> y, int frame_length, int hop) {
  check_framing(frame_length, hop);
  const int frames = frame_count(y.size(), hop);
  dsp::Vector out = dsp::Vector::Zero(frames);
  if (y.empty()) return out;
  const auto n = static_cast<long long>(y.size());
  const long long half = frame_length / 2;
  // librosa pads with copies of the edge samples, which add no sign change: only the changes
  // inside y count. changes[j] is the number of changes between consecutive samples up to y[j]
  // (|x| ≤ 1e-10 is zero, and zero counts as positive: "negative" means x < −1e-10).
  std::vector<int> changes(static_cast<std::size_t>(n), 0);
  for (long long j = 1; j < n; ++j) {
    const bool now = y[static_cast<std::size_t>(j)] < -1e-10f;
    const bool before = y[static_cast<std::size_t>(j - 1)] < -1e-10f;
    changes[static_cast<std::size_t>(j)] =
        changes[static_cast<std::size_t>(j - 1)] + (now != before);
  }
  for (int f = 0; f < frames; ++f) {
    // Frame f covers padded samples [f·hop, f·hop + frame_length), that is y[f·hop − half …];
    // its changes are those between consecutive samples inside it.
    const long long first = static_cast<long long>(f) * hop - half + 1;
    const long long last = static_cast<long long>(f) * hop - half + frame_length - 1;
    const long long lo = std::max(first, 1LL), hi = std::min(last, n - 1);
    const int crossings =
        hi >= lo ? changes[static_cast<std::size_t>(hi)] - changes[static_cast<std::size_t>(lo - 1)]
                 : 0;
    out(f) = static_cast<float>(static_cast<double>(crossings) / frame_length);
  }
  return out;
}

dsp::Vector rms(std::span<const float> y, int frame_length, int hop) {
  check_framing(frame_length, hop);
  const int frames = frame_count(y.size(), hop);
  const auto n = static_cast<long long>(y.size());
  const long long half = frame_length / 2;
  dsp::Vector out(frames);
  for (int f = 0; f < frames; ++f) {
    const long long start = static_cast<long long>(f) * hop - half;
    const long long lo = std::max(start, 0LL), hi = std::min(start + frame_length, n);
    double energy = 0.0;
    for (long long i = lo; i < hi; ++i) {
      energy +=
          static_cast<double>(y[static_cast<std::size_t>(i)]) * y[static_cast<std::size_t>(i)];
    }
    out(f) = static_cast<float>(std::sqrt(energy / frame_length));
  }
  return out;
}

dsp::Vector rms_from_magnitude(const dsp::Matrix& magnitude) {
  const Eigen::Index bins = magnitude.cols();
  const auto frame_length = static_cast<double>(2 * (bins - 1));
  dsp::Vector out(magnitude.rows());
  for (Eigen::Index f = 0; f < magnitude.rows(); ++f) {
    // Σ|X|² with the DC and Nyquist bins counted half (vectorised float sum, ~1e-7 relative).
    const auto row = magnitude.row(f);
    const double sum = row.squaredNorm() - 0.5 * (row(0) * row(0) + row(bins - 1) * row(bins - 1));
    out(f) = static_cast<float>(std::sqrt(2.0 * sum / (frame_length * frame_length)));
  }
  return out;
}

}  // namespace mirkit::features
