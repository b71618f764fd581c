// Long short-term memory (Hochreiter & Schmidhuber 1997, with the forget gate of Gers et al.
// 2000), as torch.nn.LSTM(batch_first=True):
//   i = σ(·), f = σ(·), g = tanh(·), o = σ(·)  of W_i* x + b_i* + W_h* h + b_h*,
//   c' = f ⊙ c + i ⊙ g,  h' = o ⊙ tanh(c').
#pragma once

#include "mirkit/nn/recurrent.hpp"

namespace mirkit::nn {

class Lstm : public Layer {
 public:
  // weights[layer · directions + direction], direction 1 being the reverse pass.
  Lstm(const RecurrentOptions& options, std::vector<RecurrentWeights> weights);

  Shape output_shape(const Shape& input) const override;
  void forward(const Tensor& in, Tensor& out) const override;

 private:
  RecurrentOptions options_;
  std::vector<RecurrentWeights> weights_;
};

}  // namespace mirkit::nn
