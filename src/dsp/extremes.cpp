#include "mirkit/dsp/extremes.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

#include "frame_lanes.hpp"
#include "mirkit/core/cpu_dispatch.hpp"

namespace mirkit::dsp {
namespace {

using lanes::kLanes;
using lanes::Lanes;
using lanes::load;

// Eight rows at once, one in each lane of a vector (frame_lanes.hpp): every lane keeps its q
// smallest (or largest) values sorted with a min/max insertion network. Nothing depends on the
// data, so there is no branch to mispredict: keeping the extremes of one row sorted while
// scanning it branches on every value, and mispredicts at nearly every bin of a band whose
// magnitudes fall with frequency (its running minimum improves bin after bin).

// Inserts v into each lane's sorted list kept[0 … count): kept[0] stays the most extreme, v
// carries the displaced value down, and the least extreme falls off the end.
template <bool kSmallest>
MIRKIT_INLINE void insert(Lanes* kept, std::size_t count, Lanes& v) {
  for (std::size_t j = 0; j < count; ++j) {
    const Lanes k = kept[j];
    if constexpr (kSmallest) {
      kept[j] = v < k ? v : k;
      v = v < k ? k : v;
    } else {
      kept[j] = v > k ? v : k;
      v = v > k ? k : v;
    }
  }
}

// Each lane's sum of its `count` most extreme values over columns[0 … n), the most extreme
// first. Q > 0 fixes the count at compile time, so that the lists live in registers.
template <std::size_t Q, bool kSmallest>
MIRKIT_INLINE void sum_extremes(const float* columns, std::size_t n, std::size_t count,
                                std::vector<float>& spill, double (&sums)[kLanes]) {
  Lanes registers[Q > 0 ? Q : 1];
  Lanes* kept = registers;
  if constexpr (Q == 0) {
    // Long lists live in memory, aligned by hand to the vector's size: alignof(Lanes) is 16
    // outside the AVX2 clone, where the vector is two SSE registers.
    spill.resize((count + 1) * kLanes);
    void* storage = spill.data();
    std::size_t space = spill.size() * sizeof(float);
    kept = static_cast<Lanes*>(std::align(sizeof(Lanes), count * sizeof(Lanes), storage, space));
  }
  if constexpr (Q > 0) count = Q;
  const float start =
      kSmallest ? std::numeric_limits<float>::infinity() : -std::numeric_limits<float>::infinity();
  for (std::size_t j = 0; j < count; ++j)
    kept[j] = Lanes{} + start;
  for (std::size_t i = 0; i < n; ++i) {
    Lanes v;
    load(v, columns + i * kLanes);
    insert<kSmallest>(kept, count, v);
  }
  for (std::size_t lane = 0; lane < kLanes; ++lane) {
    double sum = 0.0;
    for (std::size_t j = 0; j < count; ++j)
      sum += kept[j][lane];
    sums[lane] = sum;
  }
}

constexpr std::size_t kMaxUnrolled = 12;  // 12 lists + 2 temporaries fill AVX2's 16 registers

template <std::size_t Q = 1>
MIRKIT_INLINE void sum_both(const float* columns, std::size_t n, std::size_t q,
                            std::vector<float>& spill, double (&low)[kLanes],
                            double (&high)[kLanes]) {
  if constexpr (Q > kMaxUnrolled) {
    sum_extremes<0, true>(columns, n, q, spill, low);
    sum_extremes<0, false>(columns, n, q, spill, high);
  } else {
    if (q == Q) {
      sum_extremes<Q, true>(columns, n, q, spill, low);
      sum_extremes<Q, false>(columns, n, q, spill, high);
    } else {
      sum_both<Q + 1>(columns, n, q, spill, low, high);
    }
  }
}

}  // namespace

MIRKIT_TARGET_CLONES
void extreme_means(const float* x, std::size_t stride, std::size_t n, std::size_t q,
                   std::span<double> low_means, std::span<double> high_means) {
  const std::size_t rows = low_means.size();
  if (rows == 0) return;
  std::vector<float> columns(n * kLanes);
  std::vector<float> spill;
  for (std::size_t first = 0; first < rows; first += kLanes) {
    // A last block of fewer than eight rows repeats its last row in the spare lanes.
    const float* block[kLanes];
    for (std::size_t lane = 0; lane < kLanes; ++lane)
      block[lane] = x + std::min(first + lane, rows - 1) * stride;
    lanes::gather_columns(block, n, columns.data());
    double low[kLanes], high[kLanes];
    sum_both(columns.data(), n, q, spill, low, high);
    for (std::size_t lane = 0; lane < kLanes && first + lane < rows; ++lane) {
      low_means[first + lane] = low[lane] / static_cast<double>(q);
      high_means[first + lane] = high[lane] / static_cast<double>(q);
    }
  }
}

}  // namespace mirkit::dsp
