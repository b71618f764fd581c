// Concatenation's gradient: each branch receives its own block of the output's gradient, and the
// input's gradient is the sum of the branches' (branch order, so the same bits on any thread).
#include "mirkit/nn/concat.hpp"

#include <algorithm>

#include "factories.hpp"
#include "layers.hpp"
#include "mirkit/core/error.hpp"

namespace mirkit::nn::train {

Shape Concat::output_shape(const Shape& input) const {
  std::vector<Shape> parts;
  for (const auto& branch : branches_)
    parts.push_back(branch->output_shape(input));
  try {
    return concatenated_shape(parts, axis_);
  } catch (const Error& e) {
    throw Error(std::string("concat: ") + e.what());
  }
}

std::int64_t Concat::outer_size(const Shape& out) const {
  const int rank = static_cast<int>(out.size());
  const int axis = axis_ < 0 ? axis_ + rank : axis_;
  std::int64_t outer = 1;
  for (int a = 0; a < axis; ++a)
    outer *= out[static_cast<std::size_t>(a)];
  return outer;
}

void Concat::forward(const Tensor& in, Tensor& out, const Pass& pass) {
  out.resize(output_shape(in.shape()));
  const std::int64_t outer = outer_size(out.shape()), out_block = out.size() / outer;
  parts_.resize(branches_.size());
  std::int64_t offset = 0;
  for (std::size_t b = 0; b < branches_.size(); ++b) {
    branches_[b]->forward(in, parts_[b], pass);
    const std::int64_t block = parts_[b].size() / outer;
    for (std::int64_t o = 0; o < outer; ++o)
      std::copy_n(parts_[b].data() + o * block, block, out.data() + o * out_block + offset);
    offset += block;
  }
}

void Concat::backward(const Tensor& in, const Tensor& out, const Tensor& grad_out,
                      Tensor& grad_in) {
  const std::int64_t outer = outer_size(out.shape()), out_block = out.size() / outer;
  part_grads_.resize(branches_.size());
  std::int64_t offset = 0;
  for (std::size_t b = 0; b < branches_.size(); ++b) {
    Tensor& part_grad = part_grads_[b];
    part_grad.resize(parts_[b].shape());
    const std::int64_t block = parts_[b].size() / outer;
    for (std::int64_t o = 0; o < outer; ++o)
      std::copy_n(grad_out.data() + o * out_block + offset, block, part_grad.data() + o * block);
    offset += block;
    branches_[b]->backward(in, parts_[b], part_grad, b == 0 ? grad_in : through_);
    if (b > 0) grad_in.matrix(1, grad_in.size()) += through_.matrix(1, through_.size());
  }
}

void Concat::collect(std::vector<Parameter*>& parameters, std::vector<Buffer>& buffers) {
  for (const auto& branch : branches_)
    branch->collect(parameters, buffers);
}

std::unique_ptr<TrainLayer> Concat::replicate() const {
  std::vector<std::unique_ptr<Sequence>> copies;
  for (const auto& branch : branches_)
    copies.emplace_back(static_cast<Sequence*>(branch->replicate().release()));
  auto copy = std::make_unique<Concat>(std::move(copies), axis_);
  copy->frozen_ = frozen_;
  return copy;
}

void Concat::commit_statistics() {
  for (const auto& branch : branches_)
    branch->commit_statistics();
}

void Concat::freeze() {
  frozen_ = true;
  for (const auto& branch : branches_)
    branch->freeze();
}

std::unique_ptr<TrainLayer> trainable_concat(const LoadContext& c, Builder& builder) {
  const Json& raw = c.raw();
  if (!raw.contains("branches") || !raw["branches"].is_array() || raw["branches"].empty())
    c.fail("'branches' must be a non-empty list of layer lists");
  std::vector<std::unique_ptr<Sequence>> branches;
  for (std::size_t b = 0; b < raw["branches"].size(); ++b) {
    branches.push_back(
        builder.sequence(raw["branches"][b], c.path() + ".branches." + std::to_string(b)));
  }
  return std::make_unique<Concat>(std::move(branches), static_cast<int>(c.integer("dim")));
}

}  // namespace mirkit::nn::train
