// What GRU and LSTM share: their sizes and, per layer and direction, the gate weights in
// PyTorch's order (GRU: r, z, n; LSTM: i, f, g, o), stored transposed for row-major products.
#pragma once

#include <vector>

#include "mirkit/nn/layer.hpp"

namespace mirkit::nn {

struct RecurrentOptions {
  std::int64_t input_size = 1;
  std::int64_t hidden_size = 1;
  std::int64_t num_layers = 1;
  bool bidirectional = false;

  std::int64_t directions() const { return bidirectional ? 2 : 1; }
};

struct RecurrentWeights {
  Matrix input_t;                  // in × gates·H   (PyTorch's weight_ih transposed)
  Matrix hidden_t;                 // H × gates·H    (weight_hh transposed)
  Eigen::RowVectorXf input_bias;   // gates·H
  Eigen::RowVectorXf hidden_bias;  // gates·H
};

// Rows spaced apart in memory: one time step of every item of a batch-first sequence.
using Stride = Eigen::Stride<Eigen::Dynamic, 1>;
using StridedRows = Eigen::Map<const Matrix, 0, Stride>;
using MutableStridedRows = Eigen::Map<Matrix, 0, Stride>;

// Both read (N, T, input_size) and write (N, T, directions · hidden_size), batch first, zero
// initial state; with two directions the forward one fills the first hidden_size features.
Shape recurrent_output_shape(const RecurrentOptions& options, const Shape& input);

}  // namespace mirkit::nn
