#include "simd_dot.hpp"

#include <cstring>

#include "mirkit/core/cpu_dispatch.hpp"

namespace mirkit::io {
namespace {

typedef float Lanes __attribute__((vector_size(kDotLanes * sizeof(float))));

// a[i…i+8) · b[i…i+8), lane by lane. Loads are unaligned; the result goes out by reference
// because returning a 32-byte vector by value changes the ABI between the two clones.
__attribute__((always_inline)) inline void multiply_add(Lanes& sum, const float* a,
                                                        const float* b) {
  Lanes x, y;
  std::memcpy(&x, a, sizeof(x));
  std::memcpy(&y, b, sizeof(y));
  sum += x * y;
}

}  // namespace

MIRKIT_TARGET_CLONES
float dot(const float* a, const float* b, std::size_t n) {
  // Four independent sums hide the latency of the additions.
  Lanes s0 = {}, s1 = {}, s2 = {}, s3 = {};
  std::size_t i = 0;
  for (; i + 4 * kDotLanes <= n; i += 4 * kDotLanes) {
    multiply_add(s0, a + i, b + i);
    multiply_add(s1, a + i + kDotLanes, b + i + kDotLanes);
    multiply_add(s2, a + i + 2 * kDotLanes, b + i + 2 * kDotLanes);
    multiply_add(s3, a + i + 3 * kDotLanes, b + i + 3 * kDotLanes);
  }
  for (; i < n; i += kDotLanes)
    multiply_add(s0, a + i, b + i);
  const Lanes s = (s0 + s1) + (s2 + s3);
  float total = 0.0f;
  for (std::size_t lane = 0; lane < kDotLanes; ++lane)
    total += s[lane];
  return total;
}

}  // namespace mirkit::io
