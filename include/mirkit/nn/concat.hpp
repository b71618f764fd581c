// Parallel branches on the same input, concatenated along one axis (torch.cat), as in
// Inception-style or multi-scale front ends.
#pragma once

#include <memory>
#include <vector>

#include "mirkit/nn/layer.hpp"

namespace mirkit::nn {

// The shape of `parts` joined along `axis` (negative counts from the end); an input Error when they
// do not fit. Shared with the training form.
Shape concatenated_shape(const std::vector<Shape>& parts, int axis);

class Concat : public Layer {
 public:
  Concat(std::vector<std::unique_ptr<Layer>> branches, int axis)
      : branches_(std::move(branches)), axis_(axis) {}

  Shape output_shape(const Shape& input) const override;
  void forward(const Tensor& in, Tensor& out) const override;

 private:
  std::vector<std::unique_ptr<Layer>> branches_;
  int axis_;  // negative counts from the end
};

}  // namespace mirkit::nn
