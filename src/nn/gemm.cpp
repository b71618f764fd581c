#include "gemm.hpp"

#include <algorithm>
#include <cstring>

namespace mirkit::nn {
namespace {

constexpr std::int64_t kLanes = 8;
constexpr std::int64_t kTileCols = 2 * kLanes;  // a tile is 4 rows × 16 columns of C
constexpr std::int64_t kRows = kPanelRows;

typedef float Lanes __attribute__((vector_size(kLanes * sizeof(float))));

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

#if defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__)
__attribute__((target_clones("avx2", "default")))
#endif
void multiply(const float* packed, std::int64_t m, std::int64_t depth, const float* b,
              std::int64_t ldb, std::int64_t n, const float* bias, float* c, std::int64_t ldc) {
  const std::int64_t panels = (m + kRows - 1) / kRows;
  // Each block of 16 columns of B is first copied into a contiguous panel (the last one
  // zero-padded to full width): read in place, its rows lie ldb apart, and with ldb a multiple of
  // 4 KiB all of them fall into one L1 set and evict each other. The copy is reused by every
  // panel of A.
  std::vector<float> panel(static_cast<std::size_t>(depth * kTileCols), 0.0f);
  float tail[kRows * kTileCols];
  for (std::int64_t j = 0; j < n; j += kTileCols) {
    const std::int64_t width = std::min(kTileCols, n - j);
    for (std::int64_t k = 0; k < depth; ++k) {
      std::memcpy(panel.data() + k * kTileCols, b + k * ldb + j,
                  static_cast<std::size_t>(width) * sizeof(float));
    }
    const float* panel_b = panel.data();
    const std::int64_t stride_b = kTileCols;
    for (std::int64_t p = 0; p < panels; ++p) {
      const float* w = packed + p * depth * kRows;
      Lanes acc[kRows][2] = {};
      for (std::int64_t k = 0; k < depth; ++k) {
        Lanes b0, b1;
        std::memcpy(&b0, panel_b + k * stride_b, sizeof(b0));
        std::memcpy(&b1, panel_b + k * stride_b + kLanes, sizeof(b1));
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

}  // namespace mirkit::nn
