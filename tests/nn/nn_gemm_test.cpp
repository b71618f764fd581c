// The convolution kernel (src/nn/gemm.hpp) against the plain triple loop. Equality is exact, not
// within a tolerance: the kernel promises each output is Σ_k in order k = 0, 1, … from zero and
// then + bias, with separate multiplies and adds, whichever instantiation (AVX-512, AVX2,
// baseline) the CPU runs, which is what keeps results identical between machines.
#include <gtest/gtest.h>

#include <random>

#include "nn/gemm.hpp"

namespace mirkit::nn {
namespace {

TEST(ConvolutionKernel, EqualsTheSequentialSumBitForBit) {
  std::mt19937 generator(6);
  std::normal_distribution<float> normal;
  // Sizes around the tile edges: rows not a multiple of 4, columns not a multiple of 16 or 32,
  // one column, depth 1, and a leading dimension wider than the product.
  for (const auto& [m, depth, n] : std::vector<std::array<std::int64_t, 3>>{
           {1, 1, 1}, {3, 5, 7}, {4, 9, 16}, {5, 27, 33}, {12, 288, 200}, {7, 3, 65}}) {
    const std::int64_t ldb = n + 3, ldc = n + 5;
    Matrix a(m, depth);
    for (Eigen::Index i = 0; i < a.size(); ++i)
      a.data()[i] = normal(generator);
    std::vector<float> b(static_cast<std::size_t>(depth * ldb)), bias(static_cast<std::size_t>(m));
    for (float& v : b)
      v = normal(generator);
    for (float& v : bias)
      v = normal(generator);
    std::vector<float> c(static_cast<std::size_t>(m * ldc), -7.0f);
    const std::vector<float> packed = pack_weights(a);
    multiply(packed.data(), m, depth, b.data(), ldb, n, bias.data(), c.data(), ldc);
    for (std::int64_t i = 0; i < m; ++i) {
      for (std::int64_t j = 0; j < ldc; ++j) {
        if (j >= n) {
          EXPECT_EQ(c[i * ldc + j], -7.0f) << "wrote outside the product";
          continue;
        }
        float sum = 0.0f;
        for (std::int64_t k = 0; k < depth; ++k) {
          const float product = a(i, k) * b[k * ldb + j];
          sum += product;
        }
        sum += bias[i];
        ASSERT_EQ(c[i * ldc + j], sum) << m << "×" << depth << "×" << n << " at " << i << ", " << j;
      }
    }
  }
}

}  // namespace
}  // namespace mirkit::nn
