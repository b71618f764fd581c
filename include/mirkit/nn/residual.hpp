// Residual block (He et al. 2016): out = body(x) + shortcut(x), the shortcut being the identity
// or a layer list of its own (a 1×1 convolution with batch norm when the shape changes).
#pragma once

#include <memory>
#include <optional>

#include "mirkit/nn/activation.hpp"
#include "mirkit/nn/layer.hpp"

namespace mirkit::nn {

class Residual : public Layer {
 public:
  // `shortcut` may be null: the identity.
  Residual(std::unique_ptr<Layer> body, std::unique_ptr<Layer> shortcut)
      : body_(std::move(body)), shortcut_(std::move(shortcut)) {}

  Shape output_shape(const Shape& input) const override;
  void forward(const Tensor& in, Tensor& out) const override;
  bool absorb_activation(const Activation& activation) override;

 private:
  std::unique_ptr<Layer> body_;
  std::unique_ptr<Layer> shortcut_;
  std::optional<Activation> activation_;  // a following activation, applied after the sum
};

}  // namespace mirkit::nn
