// The tensor of the nn layer: float32, dense, row-major (the last axis is contiguous), with the
// axes in PyTorch's order, so a weight or a fixture written by PyTorch is read without a copy
// and every layer's formula can be checked against PyTorch's documentation index by index.
//
// Layout by layer family (batch first everywhere, as PyTorch with batch_first=True):
//   convolutions, pooling, batch norm:  (N, C, L) for 1-D, (N, C, H, W) for 2-D
//   recurrent, attention, layer norm:   (N, T, F): one row of F features per time step
//   linear:                             (..., F): applied to the last axis
// Why this layout is fast: a convolution is one GEMM per item and group, W (C_out × C_in·k)
// times the im2col matrix (C_in·k × positions), whose rows are built from contiguous runs of the
// input; a recurrent or linear layer is one GEMM over all N·T rows at once.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "mirkit/core/matrix.hpp"

namespace mirkit::nn {

using Shape = std::vector<std::int64_t>;
// Views of a tensor's values as a mirkit::Matrix (core/matrix.hpp).
using MatrixMap = Eigen::Map<Matrix>;
using ConstMatrixMap = Eigen::Map<const Matrix>;

// "[2, 3, 5]"
std::string to_string(const Shape& shape);
// "(N, 3, -1)": the shape of a batch of items of shape `item`.
std::string batch_of(const Shape& item);
std::int64_t element_count(const Shape& shape);

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(Shape shape);  // zeros
  Tensor(Shape shape, std::vector<float> values);

  const Shape& shape() const { return shape_; }
  int rank() const { return static_cast<int>(shape_.size()); }
  // Axis size; a negative axis counts from the end, as in PyTorch.
  std::int64_t dim(int axis) const;
  std::int64_t size() const { return static_cast<std::int64_t>(values_.size()); }

  float* data() { return values_.data(); }
  const float* data() const { return values_.data(); }
  std::span<float> values() { return values_; }
  std::span<const float> values() const { return values_; }

  // New shape, keeping the allocation when it is large enough; the values are unspecified.
  void resize(const Shape& shape);
  // Same values, new shape of the same element count (a view change: no copy).
  void reshape(const Shape& shape);

  // The values as a rows × cols matrix (rows · cols must be size()).
  MatrixMap matrix(std::int64_t rows, std::int64_t cols);
  ConstMatrixMap matrix(std::int64_t rows, std::int64_t cols) const;

 private:
  Shape shape_;
  std::vector<float> values_;
};

}  // namespace mirkit::nn
