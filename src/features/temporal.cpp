#include "mirkit/features/temporal.hpp"

#include <algorithm>
#include <cmath>

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
  // Sign bit after the threshold: values within 1e-10 of zero become +0.
  auto negative = [&](long long i) {
    const float v = y[static_cast<std::size_t>(std::clamp(i, 0LL, n - 1))];
    return std::abs(v) > 1e-10f && std::signbit(v);
  };
  for (int f = 0; f < frames; ++f) {
    const long long start = static_cast<long long>(f) * hop - half;
    int crossings = 0;
    bool previous = negative(start);
    for (long long j = 1; j < frame_length; ++j) {
      const bool current = negative(start + j);
      crossings += current != previous;
      previous = current;
    }
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
    double sum = 0.0;
    for (Eigen::Index k = 0; k < bins; ++k) {
      const double power = static_cast<double>(magnitude(f, k)) * magnitude(f, k);
      sum += (k == 0 || k == bins - 1) ? 0.5 * power : power;
    }
    out(f) = static_cast<float>(std::sqrt(2.0 * sum / (frame_length * frame_length)));
  }
  return out;
}

}  // namespace mirkit::features
