// Gated recurrent unit (Cho et al. 2014), as torch.nn.GRU(batch_first=True):
//   r = σ(W_ir x + b_ir + W_hr h + b_hr),  z = σ(W_iz x + b_iz + W_hz h + b_hz),
//   n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)),  h' = (1 − z) ⊙ n + z ⊙ h.
// The input projections of all time steps are one matrix product; each step adds one product
// of the batch's hidden states with W_hh.
#pragma once

#include "mirkit/nn/recurrent.hpp"

namespace mirkit::nn {

class Gru : public Layer {
 public:
  // weights[layer · directions + direction], direction 1 being the reverse pass.
  Gru(const RecurrentOptions& options, std::vector<RecurrentWeights> weights);

  Shape output_shape(const Shape& input) const override;
  void forward(const Tensor& in, Tensor& out) const override;

 private:
  RecurrentOptions options_;
  std::vector<RecurrentWeights> weights_;
};

}  // namespace mirkit::nn
