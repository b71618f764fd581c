#include "support/golden.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <mutex>

namespace mirkit::test {

Difference compare_transposed(const dsp::Matrix& ours, const NpyArray& golden, double rel_floor) {
  std::size_t bins = 1, frames = 0;
  if (golden.shape.size() == 2) {
    bins = golden.shape[0];
    frames = golden.shape[1];
  } else {
    frames = golden.shape.at(0);
  }
  Difference d;
  EXPECT_EQ(static_cast<std::size_t>(ours.rows()), frames) << "frames";
  EXPECT_EQ(static_cast<std::size_t>(ours.cols()), bins) << "bins";
  if (static_cast<std::size_t>(ours.rows()) != frames ||
      static_cast<std::size_t>(ours.cols()) != bins) {
    d.max_abs = INFINITY;
    return d;
  }
  for (std::size_t b = 0; b < bins; ++b) {
    for (std::size_t f = 0; f < frames; ++f) {
      const double ref = golden.values[b * frames + f];
      const double diff = std::abs(
          static_cast<double>(ours(static_cast<Eigen::Index>(f), static_cast<Eigen::Index>(b))) -
          ref);
      d.max_abs = std::max(d.max_abs, diff);
      d.max_ref = std::max(d.max_ref, std::abs(ref));
      if (std::abs(ref) > rel_floor && ref != 0.0)
        d.max_rel = std::max(d.max_rel, diff / std::abs(ref));
    }
  }
  return d;
}

Difference compare_vector(const dsp::Vector& ours, const NpyArray& golden, double rel_floor) {
  dsp::Matrix column = ours;
  return compare_transposed(column, golden, rel_floor);
}

void record_parity(const std::string& feature, const std::string& signal, const std::string& metric,
                   double value, double tolerance) {
  std::cout << "parity " << feature << " " << signal << ": " << metric << " " << value
            << " (tolerance " << tolerance << ")\n";
  const char* log = std::getenv("MIRKIT_PARITY_LOG");
  if (log == nullptr) return;
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  std::ofstream out(log, std::ios::app);
  out << feature << '\t' << signal << '\t' << metric << '\t' << value << '\t' << tolerance << '\n';
}

}  // namespace mirkit::test
