#include "mirkit/nn/sequential.hpp"

#include "mirkit/core/error.hpp"

namespace mirkit::nn {

Shape Sequential::output_shape(const Shape& input) const {
  Shape shape = input;
  for (const Entry& entry : layers_) {
    try {
      shape = entry.layer->output_shape(shape);
    } catch (const Error& error) {
      // The innermost label wins: a nested block already said which of its layers failed.
      if (error.cause().rfind("layer ", 0) == 0) throw;
      throw Error(entry.label + ": " + error.cause(), error.kind(), error.file(), error.stage());
    }
  }
  return shape;
}

void Sequential::forward(const Tensor& in, Tensor& out) const {
  if (layers_.empty()) {
    out = in;
    return;
  }
  // Ping-pong between two buffers so that the last layer writes straight into `out`.
  Tensor scratch;
  Tensor* target = layers_.size() % 2 == 1 ? &out : &scratch;
  Tensor* other = target == &out ? &scratch : &out;
  const Tensor* source = &in;
  for (const Entry& entry : layers_) {
    entry.layer->forward(*source, *target);
    source = target;
    std::swap(target, other);
  }
}

}  // namespace mirkit::nn
