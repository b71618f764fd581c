// extreme_means against the clear version: sort each row and average its two ends.
#include "mirkit/dsp/extremes.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace mirkit::dsp {
namespace {

// rows × stride values, row-major; each row's first n are used.
struct Block {
  std::size_t rows, stride;
  std::vector<float> values;
};

void expect_same_as_sorting(const Block& block, std::size_t n, std::size_t q) {
  std::vector<double> low(block.rows), high(block.rows);
  extreme_means(block.values.data(), block.stride, n, q, low, high);
  for (std::size_t r = 0; r < block.rows; ++r) {
    const float* row = block.values.data() + r * block.stride;
    std::vector<float> sorted(row, row + n);
    std::sort(sorted.begin(), sorted.end());
    double expected_low = 0.0, expected_high = 0.0;
    for (std::size_t i = 0; i < q; ++i) {
      expected_low += sorted[i];
      expected_high += sorted[n - 1 - i];
    }
    // Exact: the same values summed in the same order.
    EXPECT_EQ(low[r], expected_low / static_cast<double>(q))
        << "row " << r << " of " << block.rows << ", n " << n << ", q " << q;
    EXPECT_EQ(high[r], expected_high / static_cast<double>(q))
        << "row " << r << " of " << block.rows << ", n " << n << ", q " << q;
  }
}

template <class Draw>
Block random_block(std::size_t rows, std::size_t stride, Draw draw) {
  Block block{rows, stride, std::vector<float>(rows * stride)};
  for (float& v : block.values)
    v = draw();
  return block;
}

// Band lengths and quantile counts that spectral contrast meets and those around the branches:
// fewer values than lanes, lengths off the multiples of 8, q = 1, q = n, q past the unrolled
// lists (12); row counts that leave a partial block of eight.
TEST(ExtremeMeans, MatchesSortingOnRandomData) {
  std::mt19937 rng(7);
  std::lognormal_distribution<float> magnitude(0.0f, 3.0f);
  for (std::size_t n : {1, 2, 5, 8, 9, 18, 19, 37, 74, 149, 297, 431}) {
    for (std::size_t q : {1, 2, 3, 6, 9, 12, 13, 40}) {
      if (q > n) continue;
      for (std::size_t rows : {1, 7, 8, 19}) {
        expect_same_as_sorting(random_block(rows, n + 3, [&] { return magnitude(rng); }), n, q);
      }
    }
  }
}

TEST(ExtremeMeans, KeepsTiesAndSilence) {
  std::mt19937 rng(3);
  // Few distinct values, so that the q-th value is held by many elements.
  std::uniform_int_distribution<int> level(0, 4);
  for (std::size_t n : {18, 37, 149, 431}) {
    for (std::size_t q : {1, 3, 9, 12, 13}) {
      expect_same_as_sorting(
          random_block(11, n, [&] { return static_cast<float>(level(rng)) * 0.25f; }), n, q);
      expect_same_as_sorting(random_block(9, n, [] { return 0.0f; }), n, q);
    }
  }
}

TEST(ExtremeMeans, FindsExtremesAtEitherEndOfARow) {
  // Spectra rise or fall across a band, so the extremes sit at its ends.
  for (std::size_t n : {19, 38, 75, 150, 298, 431}) {
    Block block{3, n, std::vector<float>(3 * n)};
    for (std::size_t i = 0; i < n; ++i) {
      const float rising = std::exp(0.05f * static_cast<float>(i));
      block.values[i] = rising;
      block.values[n + n - 1 - i] = rising;
      block.values[2 * n + i] = -rising;
    }
    for (std::size_t q : {1, 2, 6, 9})
      expect_same_as_sorting(block, n, q);
  }
}

}  // namespace
}  // namespace mirkit::dsp
