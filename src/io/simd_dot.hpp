// The resampler's inner product, written once for 8 lanes with GCC vector extensions and
// compiled twice (AVX2 and the baseline): the machine picks at load time. Both clones do the
// same additions in the same order, without fused multiply-add, so the result is bit-identical
// on every x86-64 machine.
#pragma once

#include <cstddef>

namespace mirkit::io {

inline constexpr std::size_t kDotLanes = 8;

// Σ a[i]·b[i] for i < n; n must be a multiple of kDotLanes.
float dot(const float* a, const float* b, std::size_t n);

}  // namespace mirkit::io
