#include "gemm.hpp"

#include <algorithm>
#include <cstring>

namespace mirkit::nn {
namespace {

constexpr std::int64_t kRows = kPanelRows;

}  // namespace

std::vector<float> pack_weights(const Eigen::Ref<const RowMatrix>& a) {
  const std::int64_t rows = a.rows(), cols = a.cols();
  const std::int64_t panels = (rows + kRows - 1) / kRows;
  std::vector<float> packed(static_cast<std::size_t>(panels * cols * kRows), 0.0f);
  for (std::int64_t i = 0; i < rows; ++i) {
    for (std::int64_t k = 0; k < cols; ++k) {
      packed[static_cast<std::size_t>(((i / kRows) * cols + k) * kRows + i % kRows)] = a(i, k);
    }
  }
  return packed;
}

namespace {

// C = A · B + bias in tiles of 4 rows × 2·lanes columns. Every output
// is accumulated over k in order from zero, then the bias is added: the tile width changes which
// outputs are computed together, never the operations that make one, so every instantiation
// gives the same bits.
template <int kLanes>
__attribute__((always_inline)) inline void multiply_tiles(const float* packed, std::int64_t m,
                                                          std::int64_t depth, const float* b,
                                                          std::int64_t ldb, std::int64_t n,
                                                          const float* bias, float* c,
                                                          std::int64_t ldc) {
  typedef float Lanes __attribute__((vector_size(kLanes * sizeof(float))));
  constexpr std::int64_t kTileCols = 2 * kLanes;
  const std::int64_t panels = (m + kRows - 1) / kRows;
  // Each block of columns of B is first copied into a contiguous panel: read in place, its rows
  // lie ldb apart, and with ldb a multiple of 4 KiB all of them fall into one L1 set and evict
  // each other. The copy stays in L1 for every panel of A. The last block is narrower: the rest
  // of its panel holds stale values whose outputs are dropped.
  thread_local std::vector<float> storage;
  storage.resize(static_cast<std::size_t>(depth * kTileCols));
  float* panel = storage.data();
  float tail[kRows * kTileCols];
  for (std::int64_t j = 0; j < n; j += kTileCols) {
    const std::int64_t width = std::min(kTileCols, n - j);
    if (width == kTileCols) {
      // A constant size, so the copy is two vector moves instead of a call to memcpy.
      for (std::int64_t k = 0; k < depth; ++k) {
        std::memcpy(panel + k * kTileCols, b + k * ldb + j, kTileCols * sizeof(float));
      }
    } else {
      for (std::int64_t k = 0; k < depth; ++k) {
        std::memcpy(panel + k * kTileCols, b + k * ldb + j,
                    static_cast<std::size_t>(width) * sizeof(float));
      }
    }
    for (std::int64_t p = 0; p < panels; ++p) {
      const float* w = packed + p * depth * kRows;
      Lanes acc[kRows][2] = {};
      for (std::int64_t k = 0; k < depth; ++k) {
        Lanes b0, b1;
        std::memcpy(&b0, panel + k * kTileCols, sizeof(b0));
        std::memcpy(&b1, panel + k * kTileCols + kLanes, sizeof(b1));
        for (std::int64_t r = 0; r < kRows; ++r) {
          const float weight = w[k * kRows + r];
          acc[r][0] += weight * b0;
          acc[r][1] += weight * b1;
        }
      }
      const std::int64_t rows = std::min(kRows, m - p * kRows);
      for (std::int64_t r = 0; r < rows; ++r) {
        const float offset = bias[p * kRows + r];
        acc[r][0] += offset;
        acc[r][1] += offset;
        float* out = width == kTileCols ? c + (p * kRows + r) * ldc + j : tail + r * kTileCols;
        std::memcpy(out, &acc[r][0], sizeof(Lanes));
        std::memcpy(out + kLanes, &acc[r][1], sizeof(Lanes));
        if (width < kTileCols) {
          std::memcpy(c + (p * kRows + r) * ldc + j, out,
                      static_cast<std::size_t>(width) * sizeof(float));
        }
      }
    }
  }
}

#if defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__)
#define MIRKIT_NN_DISPATCH 1
// 16 lanes where the CPU has 512-bit registers (Zen 4/5, Xeon since Skylake-SP).
__attribute__((target("avx512f"))) void multiply_avx512(const float* packed, std::int64_t m,
                                                        std::int64_t depth, const float* b,
                                                        std::int64_t ldb, std::int64_t n,
                                                        const float* bias, float* c,
                                                        std::int64_t ldc) {
  multiply_tiles<16>(packed, m, depth, b, ldb, n, bias, c, ldc);
}
__attribute__((target_clones("avx2", "default")))
#endif
void multiply_8_lanes(const float* packed, std::int64_t m, std::int64_t depth, const float* b,
                      std::int64_t ldb, std::int64_t n, const float* bias, float* c,
                      std::int64_t ldc) {
  multiply_tiles<8>(packed, m, depth, b, ldb, n, bias, c, ldc);
}

bool has_avx512() {
#ifdef MIRKIT_NN_DISPATCH
  static const bool avx512 = __builtin_cpu_supports("avx512f");
  return avx512;
#else
  return false;
#endif
}

}  // namespace

void multiply(const float* packed, std::int64_t m, std::int64_t depth, const float* b,
              std::int64_t ldb, std::int64_t n, const float* bias, float* c, std::int64_t ldc) {
#ifdef MIRKIT_NN_DISPATCH
  if (has_avx512()) return multiply_avx512(packed, m, depth, b, ldb, n, bias, c, ldc);
#endif
  multiply_8_lanes(packed, m, depth, b, ldb, n, bias, c, ldc);
}

}  // namespace mirkit::nn
