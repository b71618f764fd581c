#include "mirkit/features/temporal.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "lane_sums.hpp"
#include "mirkit/core/error.hpp"

namespace mirkit::features {
namespace {

void check_framing(int frame_length, int hop) {
  if (frame_length < 1 || hop < 1) throw usage_error("frame_length and hop must be ≥ 1");
}

int frame_count(std::size_t samples, int hop) {
  return static_cast<int>(1 + samples / static_cast<std::size_t>(hop));
}

// The number of sign changes between consecutive samples of y up to y[j], for j that never
// decrease from call to call.
class ChangeCount {
 public:
  explicit ChangeCount(std::span<const float> y) : y_(y.data()) {}
  long long up_to(long long j) {
    // An integer sum of comparisons: vectorised (32-bit lanes: fewer than 2^31 samples a
    // call), exact in any order.
    int added = 0;
    for (long long i = at_ + 1; i <= j; ++i)
      added += (y_[i] < -1e-10f) != (y_[i - 1] < -1e-10f);
    count_ += added;
    at_ = std::max(at_, j);
    return count_;
  }

 private:
  const float* y_;
  long long at_ = 0;
  long long count_ = 0;
};

}  // namespace

dsp::Vector zero_crossing_rate(std::span<const float> y, int frame_length, int hop) {
  check_framing(frame_length, hop);
  const int frames = frame_count(y.size(), hop);
  dsp::Vector out = dsp::Vector::Zero(frames);
  if (y.empty()) return out;
  const auto n = static_cast<long long>(y.size());
  const long long half = frame_length / 2;
  // librosa pads with copies of the edge samples, which add no sign change: only the changes
  // inside y count, between consecutive samples (|x| ≤ 1e-10 is zero, and zero counts as
  // positive: "negative" means x < −1e-10). Frame f covers padded samples [f·hop, f·hop +
  // frame_length), that is y[f·hop − half …]; its changes are changes(last) − changes(first − 1),
  // where changes(j) counts those up to y[j]. Both ends only move forward from frame to frame,
  // so two running counts sweep y once each, with no array of n counts.
  ChangeCount to_last(y), before_first(y);
  for (int f = 0; f < frames; ++f) {
    const long long first = static_cast<long long>(f) * hop - half + 1;
    const long long last = static_cast<long long>(f) * hop - half + frame_length - 1;
    const long long lo = std::max(first, 1LL), hi = std::min(last, n - 1);
    if (hi < lo) continue;
    const long long crossings = to_last.up_to(hi) - before_first.up_to(lo - 1);
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
    const double energy =
        hi > lo ? sum_of_squares(y.data() + lo, static_cast<std::size_t>(hi - lo)) : 0.0;
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
