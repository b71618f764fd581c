// Eight frames side by side, one in each lane of a vector: a block of eight spectrogram rows is
// transposed so that a vector holds the same bin of all eight. Kernels that would branch, or
// reduce, once per frame then do it once per block. Internal to the dsp layer; the functions
// are inlined into their caller's clone (AVX2 or baseline).
#pragma once

#include <cstddef>

namespace mirkit::dsp::lanes {

constexpr std::size_t kLanes = 8;
typedef float Lanes __attribute__((vector_size(kLanes * sizeof(float))));

// For loads and stores at any float address: memcpy into a vector of the array becomes 16-byte
// moves through the stack here, and each 32-byte read of them then stalls on store forwarding.
typedef float UnalignedLanes
    __attribute__((vector_size(kLanes * sizeof(float)), aligned(4), may_alias));

// Vectors go by reference: passing a 32-byte vector by value changes the ABI between clones.
#define MIRKIT_INLINE __attribute__((always_inline)) inline

MIRKIT_INLINE void load(Lanes& v, const float* from) {
  v = *reinterpret_cast<const UnalignedLanes*>(from);
}
MIRKIT_INLINE void store(float* to, const Lanes& v) {
  *reinterpret_cast<UnalignedLanes*>(to) = v;
}

// The lane permutations of the transpose below: lanes of `a` are 0–7, of `b` 8–15. Results go
// out by reference, as every vector here (see MIRKIT_INLINE).
// __builtin_shufflevector takes constant indices and is understood by GCC (12 on) and clang alike
// (GCC's __builtin_shuffle is not clang's).
MIRKIT_INLINE void low_pairs(Lanes& out, const Lanes& a, const Lanes& b) {
  out = __builtin_shufflevector(a, b, 0, 8, 1, 9, 4, 12, 5, 13);
}
MIRKIT_INLINE void high_pairs(Lanes& out, const Lanes& a, const Lanes& b) {
  out = __builtin_shufflevector(a, b, 2, 10, 3, 11, 6, 14, 7, 15);
}
MIRKIT_INLINE void low_quads(Lanes& out, const Lanes& a, const Lanes& b) {
  out = __builtin_shufflevector(a, b, 0, 1, 8, 9, 4, 5, 12, 13);
}
MIRKIT_INLINE void high_quads(Lanes& out, const Lanes& a, const Lanes& b) {
  out = __builtin_shufflevector(a, b, 2, 3, 10, 11, 6, 7, 14, 15);
}
MIRKIT_INLINE void low_halves(Lanes& out, const Lanes& a, const Lanes& b) {
  out = __builtin_shufflevector(a, b, 0, 1, 2, 3, 8, 9, 10, 11);
}
MIRKIT_INLINE void high_halves(Lanes& out, const Lanes& a, const Lanes& b) {
  out = __builtin_shufflevector(a, b, 4, 5, 6, 7, 12, 13, 14, 15);
}

// r[i][j] ↔ r[j][i] (the classic unpack / shuffle / 128-bit permute 8 × 8 transpose).
MIRKIT_INLINE void transpose(Lanes (&r)[kLanes]) {
  Lanes t[kLanes], u[kLanes];
  for (std::size_t i = 0; i < kLanes; i += 2) {
    low_pairs(t[i], r[i], r[i + 1]);
    high_pairs(t[i + 1], r[i], r[i + 1]);
  }
  for (std::size_t i = 0; i < kLanes; i += 4) {
    low_quads(u[i], t[i], t[i + 2]);
    high_quads(u[i + 1], t[i], t[i + 2]);
    low_quads(u[i + 2], t[i + 1], t[i + 3]);
    high_quads(u[i + 3], t[i + 1], t[i + 3]);
  }
  for (std::size_t i = 0; i < 4; ++i) {
    low_halves(r[i], u[i], u[i + 4]);
    high_halves(r[i + 4], u[i], u[i + 4]);
  }
}

// columns[8i + lane] = value i of row `lane`. Plain floats, loaded and stored unaligned: a
// std::vector of vectors would not be given their 32-byte alignment.
MIRKIT_INLINE void gather_columns(const float* const (&rows)[kLanes], std::size_t n,
                                  float* columns) {
  std::size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    Lanes block[kLanes];
    for (std::size_t lane = 0; lane < kLanes; ++lane)
      load(block[lane], rows[lane] + i);
    transpose(block);
    for (std::size_t lane = 0; lane < kLanes; ++lane)
      store(columns + (i + lane) * kLanes, block[lane]);
  }
  for (; i < n; ++i) {
    for (std::size_t lane = 0; lane < kLanes; ++lane)
      columns[i * kLanes + lane] = rows[lane][i];
  }
}

}  // namespace mirkit::dsp::lanes
