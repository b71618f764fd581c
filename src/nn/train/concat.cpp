// Concatenation's gradient: each branch receives its own block of the output's gradient, and the
// input's gradient is the sum of the branches' (branch order, so the same bits on any thread).
#include "mirkit/nn/concat.hpp"

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

void Concat::forward(const Tensor& in, Tensor& out, const Pass& pass) {
  out.resize(output_shape(in.shape()));
  const ConcatLayout layout(out.shape(), axis_);
  parts_.resize(branches_.size());
  std::int64_t offset = 0;
  for (std::size_t b = 0; b < branches_.size(); ++b) {
    branches_[b]->forward(in, parts_[b], pass);
    offset = layout.place(parts_[b].data(), parts_[b].size(), out.data(), offset);
  }
}

void Concat::backward(const Tensor& in, const Tensor& out, const Tensor& grad_out,
                      Tensor& grad_in) {
  const ConcatLayout layout(out.shape(), axis_);
  part_grads_.resize(branches_.size());
  std::int64_t offset = 0;
  for (std::size_t b = 0; b < branches_.size(); ++b) {
    Tensor& part_grad = part_grads_[b];
    part_grad.resize(parts_[b].shape());
    offset = layout.take(grad_out.data(), offset, part_grad.data(), part_grad.size());
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
