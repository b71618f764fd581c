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

// How a concatenation lays its parts out in memory: `outer` runs (the product of the axes before
// the joined one), each holding every part's block in branch order. Shared with the training form.
class ConcatLayout {
 public:
  ConcatLayout(const Shape& out, int axis);
  // Copies a part (part_size values, part_size / outer per run) into `whole` at `offset` within
  // each run; returns the part's block, the offset of the next part.
  std::int64_t place(const float* part, std::int64_t part_size, float* whole,
                     std::int64_t offset) const;
  // The reverse: a part's values out of `whole`, from `offset` within each run.
  std::int64_t take(const float* whole, std::int64_t offset, float* part,
                    std::int64_t part_size) const;

 private:
  std::int64_t outer_ = 1;
  std::int64_t run_ = 0;  // values per run in the whole
};

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
