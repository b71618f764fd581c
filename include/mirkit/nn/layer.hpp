// The layer interface, after RTNeural's Layer: a forward pass and its sizes, nothing else.
// Layers are immutable after loading, so one network serves many threads at once.
#pragma once

#include <Eigen/Core>

#include "mirkit/nn/tensor.hpp"

namespace mirkit::nn {

class Activation;

class Layer {
 public:
  virtual ~Layer() = default;

  // The output shape for an input of shape `input` (batch axis included). Throws an Error
  // saying what does not fit (channel count, rank, a window shorter than the kernel).
  virtual Shape output_shape(const Shape& input) const = 0;

  // `out` is resized by the layer; `in` and `out` are different tensors.
  virtual void forward(const Tensor& in, Tensor& out) const = 0;

  // A layer whose output channel c is a linear map of its input may absorb a following
  // per-channel affine y = scale[c] · x + shift[c] (an inference-time batch norm) into its
  // weights and return true; the others return false and the affine stays a layer.
  virtual bool absorb_channel_affine(const Eigen::VectorXf& /*scale*/,
                                     const Eigen::VectorXf& /*shift*/) {
    return false;
  }

  // A layer may also take over an element-wise activation that follows it, applying it while
  // its output is still in cache (a convolution block by block, a residual block after the sum);
  // true if it did.
  virtual bool absorb_activation(const Activation& /*activation*/) { return false; }
};

}  // namespace mirkit::nn
