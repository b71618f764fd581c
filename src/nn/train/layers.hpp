// Internal: the training side of the nn layers. Each layer here is the differentiable twin of an
// inference layer of src/nn (same description entry, same tensors, same formula) with a forward
// pass that keeps what its backward pass needs. A trained network is written as an ordinary model
// file and loaded by nn::Network, so training never changes what inference computes.
//
// Threads: a network is replicated once per micro-batch (replicate()); replicas share parameter
// values (read-only during a step) and own their gradients and caches, so micro-batches run on any
// thread and their gradients are summed in micro-batch order: the same bits for any -j.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "mirkit/nn/activation.hpp"
#include "mirkit/nn/layer.hpp"
#include "mirkit/nn/pooling.hpp"
#include "mirkit/nn/tensor.hpp"

namespace mirkit {
class Random;
}

namespace mirkit::nn::train {

// A trained tensor: its name in the model file ("3.weight"), its value shared by every replica, and
// this replica's gradient.
struct Parameter {
  std::string name;
  std::shared_ptr<Tensor> value;
  Tensor grad;        // same shape as value, summed over the micro-batch
  bool decay = true;  // weight decay applies (weights); not to biases or normalisation
  bool frozen = false;
};

// A tensor saved with the model but not trained by gradient (batch norm's running statistics).
struct Buffer {
  std::string name;
  std::shared_ptr<Tensor> value;
};

struct Pass {
  bool training = true;      // false: inference behaviour (dropout off, running stats)
  Random* random = nullptr;  // dropout's draws for this micro-batch
};

class TrainLayer {
 public:
  virtual ~TrainLayer() = default;

  virtual Shape output_shape(const Shape& input) const = 0;
  // `out` is resized by the layer.
  virtual void forward(const Tensor& in, Tensor& out, const Pass& pass) = 0;
  // `in` and `out` are the last forward's; adds dLoss/dparameters to the gradients and writes
  // dLoss/din into `grad_in` (resized to in's shape).
  virtual void backward(const Tensor& in, const Tensor& out, const Tensor& grad_out,
                        Tensor& grad_in) = 0;

  virtual void collect(std::vector<Parameter*>& /*parameters*/, std::vector<Buffer>& /*buffers*/) {}
  // Same shared values, fresh gradients and caches.
  virtual std::unique_ptr<TrainLayer> replicate() const = 0;
  // Folds what the last training forward observed (batch statistics) into the shared state;
  // called replica by replica in micro-batch order, so the result does not depend on threads.
  virtual void commit_statistics() {}
  // Frozen layers keep their parameters and behave as at inference (batch norm uses its running
  // statistics, dropout is off), as when fine-tuning a head on a fixed trunk.
  virtual void freeze() { frozen_ = true; }
  bool frozen() const { return frozen_; }

 protected:
  bool frozen_ = false;
};

// A parameter of `shape` named `name`.
Parameter make_parameter(std::string name, const Shape& shape, bool decay = true);
// The same shared value with a zero gradient of its own (for a replica).
Parameter fresh_copy(const Parameter& p);

}  // namespace mirkit::nn::train

// ---- The layers (one .cpp per family). Shapes and formulas are those of the inference layer of
// the same name; see docs/nn.md.

namespace mirkit::nn::train {

// conv1d and conv2d: one matrix product per item, W (C_out × C_in·kh·kw) · im2col(x), groups 1.
struct ConvGeometry {
  bool one_dimensional = false;  // (N, C, L) is (N, C, 1, L)
  std::int64_t in_channels = 1, out_channels = 1;
  std::int64_t kernel_h = 1, kernel_w = 1;
  std::int64_t stride_h = 1, stride_w = 1;
  std::int64_t dilation_h = 1, dilation_w = 1;
  std::int64_t pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
};

class Convolution : public TrainLayer {
 public:
  // `bias` may be null (a convolution without bias).
  Convolution(const ConvGeometry& geometry, Parameter weight, std::unique_ptr<Parameter> bias);
  Shape output_shape(const Shape& input) const override;
  void forward(const Tensor& in, Tensor& out, const Pass& pass) override;
  void backward(const Tensor& in, const Tensor& out, const Tensor& grad_out,
                Tensor& grad_in) override;
  void collect(std::vector<Parameter*>& parameters, std::vector<Buffer>& buffers) override;
  std::unique_ptr<TrainLayer> replicate() const override;

 private:
  void im2col(const float* item, std::int64_t height, std::int64_t width, Matrix& columns) const;
  void col2im(const Matrix& columns, std::int64_t height, std::int64_t width, float* item) const;

  ConvGeometry g_;
  Parameter weight_;
  std::unique_ptr<Parameter> bias_;
  Matrix columns_, grad_columns_;  // scratch, kept between calls
};

class Linear : public TrainLayer {
 public:
  Linear(Parameter weight, std::unique_ptr<Parameter> bias);
  Shape output_shape(const Shape& input) const override;
  void forward(const Tensor& in, Tensor& out, const Pass& pass) override;
  void backward(const Tensor& in, const Tensor& out, const Tensor& grad_out,
                Tensor& grad_in) override;
  void collect(std::vector<Parameter*>& parameters, std::vector<Buffer>& buffers) override;
  std::unique_ptr<TrainLayer> replicate() const override;

 private:
  Parameter weight_;  // (out, in)
  std::unique_ptr<Parameter> bias_;
};

// Batch statistics in training (biased variance to normalise, unbiased into the running
// variance, as PyTorch), running statistics when frozen or at inference.
class BatchNorm : public TrainLayer {
 public:
  BatchNorm(Parameter gamma, Parameter beta, Buffer mean, Buffer var, double eps, double momentum);
  Shape output_shape(const Shape& input) const override;
  void forward(const Tensor& in, Tensor& out, const Pass& pass) override;
  void backward(const Tensor& in, const Tensor& out, const Tensor& grad_out,
                Tensor& grad_in) override;
  void collect(std::vector<Parameter*>& parameters, std::vector<Buffer>& buffers) override;
  std::unique_ptr<TrainLayer> replicate() const override;
  void commit_statistics() override;

 private:
  Parameter gamma_, beta_;
  Buffer running_mean_, running_var_;
  double eps_, momentum_;
  // The last forward: whether it used batch statistics, and those statistics.
  bool used_batch_ = false;
  bool pending_ = false;
  Eigen::VectorXd batch_mean_, batch_var_;  // biased variance
  std::int64_t batch_count_ = 0;
};

using ActivationType = ActivationKind;  // the inference layer's kinds

class Activation : public TrainLayer {
 public:
  Activation(ActivationType type, float alpha) : type_(type), alpha_(alpha) {}
  Shape output_shape(const Shape& input) const override { return input; }
  void forward(const Tensor& in, Tensor& out, const Pass& pass) override;
  void backward(const Tensor& in, const Tensor& out, const Tensor& grad_out,
                Tensor& grad_in) override;
  std::unique_ptr<TrainLayer> replicate() const override;

 private:
  ActivationType type_;
  float alpha_;
};

class Pooling : public TrainLayer {
 public:
  // The inference layer's options (mirkit/nn/pooling.hpp).
  explicit Pooling(const PoolOptions& geometry) : g_(geometry) {}
  Shape output_shape(const Shape& input) const override;
  void forward(const Tensor& in, Tensor& out, const Pass& pass) override;
  void backward(const Tensor& in, const Tensor& out, const Tensor& grad_out,
                Tensor& grad_in) override;
  std::unique_ptr<TrainLayer> replicate() const override;

 private:
  PoolOptions g_;
  std::vector<std::int64_t> argmax_;  // max: the input index each output came from
};

// (N, C, ...) → (N, C): mean or maximum over every axis after the channels.
class GlobalPool : public TrainLayer {
 public:
  explicit GlobalPool(bool max) : max_(max) {}
  Shape output_shape(const Shape& input) const override;
  void forward(const Tensor& in, Tensor& out, const Pass& pass) override;
  void backward(const Tensor& in, const Tensor& out, const Tensor& grad_out,
                Tensor& grad_in) override;
  std::unique_ptr<TrainLayer> replicate() const override;

 private:
  bool max_;
  std::vector<std::int64_t> argmax_;
};

// Inverted dropout: in training each value is zeroed with probability p and the others scaled
// by 1 / (1 − p), so inference is the identity.
class Dropout : public TrainLayer {
 public:
  explicit Dropout(double p) : p_(p) {}
  Shape output_shape(const Shape& input) const override { return input; }
  void forward(const Tensor& in, Tensor& out, const Pass& pass) override;
  void backward(const Tensor& in, const Tensor& out, const Tensor& grad_out,
                Tensor& grad_in) override;
  std::unique_ptr<TrainLayer> replicate() const override;

 private:
  double p_;
  std::vector<float> mask_;  // empty: the last forward was the identity
};

// flatten, reshape and permute: no parameters, so the inference layer computes the forward
// pass and the shapes; the backward pass undoes it (the input's shape again, or the inverse
// permutation).
class ShapeLayer : public TrainLayer {
 public:
  // `forward` is the inference layer; `inverse` maps a gradient of the output back (null: the
  // same values reshaped to the input's shape).
  ShapeLayer(std::shared_ptr<const Layer> forward, std::shared_ptr<const Layer> inverse)
      : forward_(std::move(forward)), inverse_(std::move(inverse)) {}
  Shape output_shape(const Shape& input) const override { return forward_->output_shape(input); }
  void forward(const Tensor& in, Tensor& out, const Pass& pass) override;
  void backward(const Tensor& in, const Tensor& out, const Tensor& grad_out,
                Tensor& grad_in) override;
  std::unique_ptr<TrainLayer> replicate() const override;

 private:
  std::shared_ptr<const Layer> forward_, inverse_;
};

// torch.nn.GRU(batch_first=True), any number of layers, one or two directions.
class Gru : public TrainLayer {
 public:
  struct Direction {
    Parameter weight_ih, weight_hh, bias_ih, bias_hh;  // (3H, in), (3H, H), (3H), (3H)
  };
  Gru(std::int64_t input_size, std::int64_t hidden_size, std::int64_t layers, bool bidirectional,
      std::vector<Direction> weights);
  Shape output_shape(const Shape& input) const override;
  void forward(const Tensor& in, Tensor& out, const Pass& pass) override;
  void backward(const Tensor& in, const Tensor& out, const Tensor& grad_out,
                Tensor& grad_in) override;
  void collect(std::vector<Parameter*>& parameters, std::vector<Buffer>& buffers) override;
  std::unique_ptr<TrainLayer> replicate() const override;

 private:
  // What one direction of one layer keeps for its backward pass, per time step in the order
  // processed: the gates r, z, n, the recurrent part of n before r, and the previous state.
  struct Trace {
    std::vector<Matrix> r, z, n, hn, previous;
  };
  void run_direction(const Matrix& input, std::int64_t batch, std::int64_t steps,
                     Direction& weights, bool reverse, Matrix& output, std::int64_t column,
                     Trace& trace) const;
  void back_direction(const Matrix& input, const Matrix& grad_output, std::int64_t batch,
                      std::int64_t steps, Direction& weights, bool reverse, std::int64_t column,
                      const Trace& trace, Matrix& grad_input) const;

  std::int64_t input_size_, hidden_size_, layers_;
  bool bidirectional_;
  std::vector<Direction> weights_;  // layer · directions + direction
  std::vector<Matrix> inputs_;      // each layer's input, (N·T) × features
  std::vector<Trace> traces_;
};

// Raffel & Ellis attention pooling: (N, T, F) → (N, F), a = softmax_t(w · x_t + b).
class AttentionPooling : public TrainLayer {
 public:
  AttentionPooling(Parameter weight, Parameter bias);
  Shape output_shape(const Shape& input) const override;
  void forward(const Tensor& in, Tensor& out, const Pass& pass) override;
  void backward(const Tensor& in, const Tensor& out, const Tensor& grad_out,
                Tensor& grad_in) override;
  void collect(std::vector<Parameter*>& parameters, std::vector<Buffer>& buffers) override;
  std::unique_ptr<TrainLayer> replicate() const override;

 private:
  Parameter weight_, bias_;  // (1, F), (1)
  Matrix attention_;         // N × T
};

// Layers in order; keeps every intermediate output for the backward pass.
class Sequence : public TrainLayer {
 public:
  explicit Sequence(std::vector<std::unique_ptr<TrainLayer>> layers) : layers_(std::move(layers)) {}
  Shape output_shape(const Shape& input) const override;
  void forward(const Tensor& in, Tensor& out, const Pass& pass) override;
  void backward(const Tensor& in, const Tensor& out, const Tensor& grad_out,
                Tensor& grad_in) override;
  void collect(std::vector<Parameter*>& parameters, std::vector<Buffer>& buffers) override;
  std::unique_ptr<TrainLayer> replicate() const override;
  void commit_statistics() override;
  void freeze() override;

  std::size_t size() const { return layers_.size(); }
  TrainLayer& layer(std::size_t i) { return *layers_[i]; }

 private:
  std::vector<std::unique_ptr<TrainLayer>> layers_;
  std::vector<Tensor> outputs_;  // outputs_[i]: layer i's output (the last is copied to `out`)
  std::vector<Tensor> grads_;    // grads_[i]: the gradient at layer i's input
};

// out = body(x) + shortcut(x), the shortcut the identity when absent.
class Residual : public TrainLayer {
 public:
  Residual(std::unique_ptr<Sequence> body, std::unique_ptr<Sequence> shortcut)
      : body_(std::move(body)), shortcut_(std::move(shortcut)) {}
  Shape output_shape(const Shape& input) const override;
  void forward(const Tensor& in, Tensor& out, const Pass& pass) override;
  void backward(const Tensor& in, const Tensor& out, const Tensor& grad_out,
                Tensor& grad_in) override;
  void collect(std::vector<Parameter*>& parameters, std::vector<Buffer>& buffers) override;
  std::unique_ptr<TrainLayer> replicate() const override;
  void commit_statistics() override;
  void freeze() override;

 private:
  std::unique_ptr<Sequence> body_, shortcut_;
  Tensor body_out_, shortcut_out_, through_;
};

}  // namespace mirkit::nn::train
