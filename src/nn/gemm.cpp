#include "gemm.hpp"

#include <algorithm>
#include <cstring>

#include "mirkit/core/cpu_dispatch.hpp"

namespace mirkit::nn {
namespace {

constexpr std::int64_t kRows = kPanelRows;

}  // namespace

std::vector<float> pack_weights(const Eigen::Ref<const Matrix>& a) {
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

// Rows kPanels · 4 × columns 2 · kLanes of C from panels p, p + 1, … of A and one panel of B.
template <int kLanes, int kPanels>
__attribute__((always_inline)) inline void tile(const float* packed, std::int64_t p,
                                                std::int64_t depth, const float* panel,
                                                std::int64_t m, const float* bias, float* c,
                                                std::int64_t ldc, std::int64_t j,
                                                std::int64_t width) {
  typedef float Lanes __attribute__((vector_size(kLanes * sizeof(float))));
  constexpr std::int64_t kTileCols = 2 * kLanes, kTileRows = kPanels * kRows;
  Lanes acc[kTileRows][2] = {};
  for (std::int64_t k = 0; k < depth; ++k) {
    Lanes b0, b1;
    std::memcpy(&b0, panel + k * kTileCols, sizeof(b0));
    std::memcpy(&b1, panel + k * kTileCols + kLanes, sizeof(b1));
    for (std::int64_t q = 0; q < kPanels; ++q) {
      const float* w = packed + ((p + q) * depth + k) * kRows;
      for (std::int64_t r = 0; r < kRows; ++r) {
        acc[q * kRows + r][0] += w[r] * b0;
        acc[q * kRows + r][1] += w[r] * b1;
      }
    }
  }
  const std::int64_t first_row = p * kRows;
  const std::int64_t rows = std::min<std::int64_t>(kTileRows, m - first_row);
  for (std::int64_t r = 0; r < rows; ++r) {
    const float offset = bias[first_row + r];
    acc[r][0] += offset;
    acc[r][1] += offset;
    float* out = c + (first_row + r) * ldc + j;
    if (width == kTileCols) {
      std::memcpy(out, &acc[r][0], sizeof(Lanes));
      std::memcpy(out + kLanes, &acc[r][1], sizeof(Lanes));
    } else {
      float row[kTileCols];
      std::memcpy(row, &acc[r][0], sizeof(Lanes));
      std::memcpy(row + kLanes, &acc[r][1], sizeof(Lanes));
      std::memcpy(out, row, static_cast<std::size_t>(width) * sizeof(float));
    }
  }
}

// C = A · B + bias in tiles of kPanels · 4 rows × 2 · kLanes columns. Every output is accumulated
// over k in order from zero, then the bias is added: the tile size changes which outputs are
// computed together, never the operations that make one, so every instantiation gives the same
// bits.
template <int kLanes, int kPanels>
__attribute__((always_inline)) inline void multiply_tiles(const float* packed, std::int64_t m,
                                                          std::int64_t depth,
                                                          const float* const* b_rows,
                                                          std::int64_t n, const float* bias,
                                                          float* c, std::int64_t ldc) {
  constexpr std::int64_t kTileCols = 2 * kLanes;
  const std::int64_t panels = (m + kRows - 1) / kRows;
  // Each block of columns of B is first copied into a contiguous panel: read in place, its rows
  // lie ldb apart, and with ldb a multiple of 4 KiB all of them fall into one L1 set and evict
  // each other. The copy stays in L1 for every panel of A. The last block is narrower: the rest
  // of its panel holds stale values whose outputs are dropped.
  thread_local std::vector<float> storage;
  storage.resize(static_cast<std::size_t>(depth * kTileCols));
  float* panel = storage.data();
  for (std::int64_t j = 0; j < n; j += kTileCols) {
    const std::int64_t width = std::min(kTileCols, n - j);
    if (width == kTileCols) {
      // A constant size, so the copy is two vector moves instead of a call to memcpy.
      for (std::int64_t k = 0; k < depth; ++k) {
        std::memcpy(panel + k * kTileCols, b_rows[k] + j, kTileCols * sizeof(float));
      }
    } else {
      for (std::int64_t k = 0; k < depth; ++k) {
        std::memcpy(panel + k * kTileCols, b_rows[k] + j,
                    static_cast<std::size_t>(width) * sizeof(float));
      }
    }
    std::int64_t p = 0;
    for (; p + kPanels <= panels; p += kPanels) {
      tile<kLanes, kPanels>(packed, p, depth, panel, m, bias, c, ldc, j, width);
    }
    for (; p < panels; ++p)
      tile<kLanes, 1>(packed, p, depth, panel, m, bias, c, ldc, j, width);
  }
}

#if MIRKIT_CPU_DISPATCH
#define MIRKIT_NN_DISPATCH 1
// 16 lanes where the CPU has 512-bit registers (Zen 4/5, Xeon since Skylake-SP).
__attribute__((target("avx512f"))) void multiply_avx512(const float* packed, std::int64_t m,
                                                        std::int64_t depth,
                                                        const float* const* b_rows, std::int64_t n,
                                                        const float* bias, float* c,
                                                        std::int64_t ldc) {
  multiply_tiles<16, 2>(packed, m, depth, b_rows, n, bias, c, ldc);
}
__attribute__((target_clones("avx2", "default")))
#endif
void multiply_8_lanes(const float* packed, std::int64_t m, std::int64_t depth,
                      const float* const* b_rows, std::int64_t n, const float* bias, float* c,
                      std::int64_t ldc) {
  multiply_tiles<8, 1>(packed, m, depth, b_rows, n, bias, c, ldc);
}

#ifdef MIRKIT_NN_DISPATCH
bool has_avx512() {
  static const bool avx512 = __builtin_cpu_supports("avx512f");
  return avx512;
}
#endif

}  // namespace

void multiply(const float* packed, std::int64_t m, std::int64_t depth, const float* const* b_rows,
              std::int64_t n, const float* bias, float* c, std::int64_t ldc) {
#ifdef MIRKIT_NN_DISPATCH
  if (has_avx512()) return multiply_avx512(packed, m, depth, b_rows, n, bias, c, ldc);
#endif
  multiply_8_lanes(packed, m, depth, b_rows, n, bias, c, ldc);
}

void multiply(const float* packed, std::int64_t m, std::int64_t depth, const float* b,
              std::int64_t ldb, std::int64_t n, const float* bias, float* c, std::int64_t ldc) {
  thread_local std::vector<const float*> rows;
  rows.resize(static_cast<std::size_t>(depth));
  for (std::int64_t k = 0; k < depth; ++k)
    rows[static_cast<std::size_t>(k)] = b + k * ldb;
  multiply(packed, m, depth, rows.data(), n, bias, c, ldc);
}

}  // namespace mirkit::nn
