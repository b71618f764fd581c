// Internal: the matrix product of the convolutions, C = A · B + bias, with A a layer's weights
// (packed once at load time) and B an im2col matrix (or the input itself for 1×1 kernels).
//
// Why not Eigen here: the library is built for baseline x86-64, where Eigen's kernel runs on
// 4-lane SSE; this kernel is compiled for AVX2 and for baseline (target_clones) and picks one at
// run time. Every output is the sum over k in the same order, k = 0, 1, …, then the bias, with
// separate multiplies and adds in both clones, so results are bit-identical on every machine.
#pragma once

#include <cstdint>
#include <vector>

#include "mirkit/nn/tensor.hpp"

namespace mirkit::nn {

// A (M × K) as the kernel reads it: panels of kPanelRows rows (the last one zero-padded),
// k-major inside a panel, so that the kPanelRows weights of one k are adjacent.
constexpr std::int64_t kPanelRows = 4;
std::vector<float> pack_weights(const Eigen::Ref<const Matrix>& a);

// c[i · ldc + j] = Σ_k a(i, k) · b[k · ldb + j] + bias[i] for i < m, j < n; `packed` is
// pack_weights() of the m × depth matrix a.
void multiply(const float* packed, std::int64_t m, std::int64_t depth, const float* b,
              std::int64_t ldb, std::int64_t n, const float* bias, float* c, std::int64_t ldc);
// The same with row k of B at b_rows[k]: a stride-1 convolution points the rows straight into
// its (padded) input, so it needs no im2col copy at all.
void multiply(const float* packed, std::int64_t m, std::int64_t depth, const float* const* b_rows,
              std::int64_t n, const float* bias, float* c, std::int64_t ldc);

}  // namespace mirkit::nn
