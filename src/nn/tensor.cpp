#include "mirkit/nn/tensor.hpp"

#include "mirkit/core/error.hpp"

namespace mirkit::nn {

std::string to_string(const Shape& shape) {
  std::string out = "[";
  for (std::size_t i = 0; i < shape.size(); ++i)
    out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + "]";
}

std::string batch_of(const Shape& item) {
  std::string out = "(N";
  for (const std::int64_t d : item)
    out += ", " + std::to_string(d);
  return out + ")";
}

std::int64_t element_count(const Shape& shape) {
  std::int64_t count = 1;
  for (const std::int64_t d : shape)
    count *= d;
  return count;
}

Tensor::Tensor(Shape shape) : shape_(std::move(shape)) {
  values_.assign(static_cast<std::size_t>(element_count(shape_)), 0.0f);
}

Tensor::Tensor(Shape shape, std::vector<float> values)
    : shape_(std::move(shape)), values_(std::move(values)) {
  if (element_count(shape_) != size()) {
    throw Error("tensor of shape " + to_string(shape_) + " given " + std::to_string(size()) +
                " values");
  }
}

std::int64_t Tensor::dim(int axis) const {
  const int r = rank();
  const int a = axis < 0 ? axis + r : axis;
  if (a < 0 || a >= r) {
    throw Error("axis " + std::to_string(axis) + " out of range for shape " + to_string(shape_));
  }
  return shape_[static_cast<std::size_t>(a)];
}

void Tensor::resize(const Shape& shape) {
  shape_ = shape;
  values_.resize(static_cast<std::size_t>(element_count(shape_)));
}

void Tensor::reshape(const Shape& shape) {
  if (element_count(shape) != size()) {
    throw Error("cannot reshape " + to_string(shape_) + " to " + to_string(shape));
  }
  shape_ = shape;
}

MatrixMap Tensor::matrix(std::int64_t rows, std::int64_t cols) {
  return MatrixMap(values_.data(), rows, cols);
}

ConstMatrixMap Tensor::matrix(std::int64_t rows, std::int64_t cols) const {
  return ConstMatrixMap(values_.data(), rows, cols);
}

}  // namespace mirkit::nn
