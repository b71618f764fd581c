// Layers that move values without computing: dropout (a mask), flatten / reshape (a new shape),
// permute (a transposition, undone by the inverse permutation in the backward pass).
#include <numeric>

#include "../../models/random.hpp"
#include "layers.hpp"
#include "mirkit/core/error.hpp"

namespace mirkit::nn::train {

void Dropout::forward(const Tensor& in, Tensor& out, const Pass& pass) {
  out = in;
  mask_.clear();
  if (!pass.training || frozen_ || p_ <= 0.0) return;
  if (pass.random == nullptr) throw Error("dropout in training needs a random stream");
  const auto keep = static_cast<float>(1.0 / (1.0 - p_));
  mask_.resize(static_cast<std::size_t>(in.size()));
  for (std::size_t i = 0; i < mask_.size(); ++i)
    mask_[i] = pass.random->uniform() < p_ ? 0.0f : keep;
  for (std::size_t i = 0; i < mask_.size(); ++i)
    out.data()[i] *= mask_[i];
}

void Dropout::backward(const Tensor&, const Tensor&, const Tensor& grad_out, Tensor& grad_in) {
  grad_in = grad_out;
  for (std::size_t i = 0; i < mask_.size(); ++i)
    grad_in.data()[i] *= mask_[i];
}

std::unique_ptr<TrainLayer> Dropout::replicate() const {
  auto copy = std::make_unique<Dropout>(p_);
  copy->frozen_ = frozen_;
  return copy;
}

std::unique_ptr<Reshape> Reshape::flatten(int start, int end) {
  auto layer = std::make_unique<Reshape>();
  layer->start_ = start, layer->end_ = end;
  return layer;
}

std::unique_ptr<Reshape> Reshape::to(std::vector<std::int64_t> dims) {
  auto layer = std::make_unique<Reshape>();
  layer->flatten_ = false;
  layer->dims_ = std::move(dims);
  return layer;
}

Shape Reshape::output_shape(const Shape& input) const {
  const auto rank = static_cast<int>(input.size());
  if (flatten_) {
    const int start = start_ < 0 ? start_ + rank : start_;
    const int end = end_ < 0 ? end_ + rank : end_;
    if (start < 0 || end >= rank || start > end) {
      throw Error("flatten " + std::to_string(start_) + ".." + std::to_string(end_) +
                  " does not fit " + to_string(input));
    }
    Shape out(input.begin(), input.begin() + start);
    std::int64_t merged = 1;
    for (int a = start; a <= end; ++a)
      merged *= input[static_cast<std::size_t>(a)];
    out.push_back(merged);
    out.insert(out.end(), input.begin() + end + 1, input.end());
    return out;
  }
  Shape out = {input[0]};
  std::int64_t known = 1, unknown = -1;
  for (std::size_t a = 0; a < dims_.size(); ++a) {
    if (dims_[a] == -1) {
      unknown = static_cast<std::int64_t>(a) + 1;
    } else {
      known *= dims_[a];
    }
    out.push_back(dims_[a]);
  }
  const std::int64_t total = element_count(input) / std::max<std::int64_t>(input[0], 1);
  if (unknown > 0 && known > 0 && total % known == 0)
    out[static_cast<std::size_t>(unknown)] = total / known;
  if (element_count(out) != element_count(input)) {
    throw Error("reshape to " + to_string(out) + " does not fit " + to_string(input));
  }
  return out;
}

void Reshape::forward(const Tensor& in, Tensor& out, const Pass&) {
  const Shape shape = output_shape(in.shape());
  out = in;
  out.reshape(shape);
}

void Reshape::backward(const Tensor& in, const Tensor&, const Tensor& grad_out, Tensor& grad_in) {
  grad_in = grad_out;
  grad_in.reshape(in.shape());
}

std::unique_ptr<TrainLayer> Reshape::replicate() const {
  auto copy = std::make_unique<Reshape>(*this);
  return copy;
}

namespace {

// out[index permuted] = in[index]: output axis k is input axis dims[k].
void permute_values(const Tensor& in, const std::vector<int>& dims, Tensor& out) {
  const Shape& shape = in.shape();
  const std::size_t rank = shape.size();
  Shape out_shape(rank);
  for (std::size_t k = 0; k < rank; ++k)
    out_shape[k] = shape[static_cast<std::size_t>(dims[k])];
  out.resize(out_shape);
  std::vector<std::int64_t> in_stride(rank, 1);
  for (std::size_t a = rank - 1; a > 0; --a)
    in_stride[a - 1] = in_stride[a] * shape[a];
  // The input stride that each output axis walks.
  std::vector<std::int64_t> walk(rank);
  for (std::size_t k = 0; k < rank; ++k)
    walk[k] = in_stride[static_cast<std::size_t>(dims[k])];
  std::vector<std::int64_t> index(rank, 0);
  std::int64_t source = 0;
  for (std::int64_t o = 0; o < out.size(); ++o) {
    out.data()[o] = in.data()[source];
    for (std::size_t k = rank; k-- > 0;) {
      source += walk[k];
      if (++index[k] < out_shape[k]) break;
      source -= walk[k] * out_shape[k];
      index[k] = 0;
    }
  }
}

}  // namespace

Shape Permute::output_shape(const Shape& input) const {
  if (input.size() != dims_.size()) {
    throw Error("permute of " + std::to_string(dims_.size()) + " axes got " + to_string(input));
  }
  Shape out;
  for (const int d : dims_)
    out.push_back(input[static_cast<std::size_t>(d)]);
  return out;
}

void Permute::forward(const Tensor& in, Tensor& out, const Pass&) {
  (void)output_shape(in.shape());
  permute_values(in, dims_, out);
}

void Permute::backward(const Tensor&, const Tensor&, const Tensor& grad_out, Tensor& grad_in) {
  std::vector<int> inverse(dims_.size());
  for (std::size_t k = 0; k < dims_.size(); ++k)
    inverse[static_cast<std::size_t>(dims_[k])] = static_cast<int>(k);
  permute_values(grad_out, inverse, grad_in);
}

std::unique_ptr<TrainLayer> Permute::replicate() const {
  return std::make_unique<Permute>(dims_);
}

}  // namespace mirkit::nn::train
