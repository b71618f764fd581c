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
#include "mirkit/nn/conv2d.hpp"
#include "mirkit/nn/layer.hpp"
#include "mirkit/nn/pooling.hpp"
#include "mirkit/nn/recurrent.hpp"
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

// conv1d and conv2d, any groups. The forward pass is the inference layer's own kernel (nn::Conv2d:
// packed weights, no im2col at stride 1), so a network computes in training exactly what it
// computes once exported. The backward pass rebuilds im2col's columns B (C_in/G·kh·kw ×
// positions, group g's rows contiguous) per item: dW_g += dy_g·B_gᵀ, and dB_g = W_gᵀ·dy_g with
// the same packed kernel, which col2im scatters back onto the input.
struct ConvGeometry {
  bool one_dimensional = false;  // (N, C, L) is (N, C, 1, L)
  Conv2dOptions options;         // the 2-D form
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
  // Scratch, kept between calls: the columns and their gradient, the weights transposed and
  // packed per group, and a zero bias for the kernel.
  Matrix columns_, grad_columns_;
  std::vector<float> zeros_;
  std::vector<std::vector<float>> packed_transposed_weights_;
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

// torch.nn.Softmax(dim) inside a network (the output's softmax belongs to the loss): the forward
// pass is the inference layer's; backward, along the axis, dx = y ⊙ (dy − Σ dy ⊙ y).
class Softmax : public TrainLayer {
 public:
  explicit Softmax(int axis) : axis_(axis) {}
  Shape output_shape(const Shape& input) const override;
  void forward(const Tensor& in, Tensor& out, const Pass& pass) override;
  void backward(const Tensor& in, const Tensor& out, const Tensor& grad_out,
                Tensor& grad_in) override;
  std::unique_ptr<TrainLayer> replicate() const override;

 private:
  int axis_;
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

// torch.nn.GRU and torch.nn.LSTM (batch_first=True), any number of layers, one or two
// directions; the gates in PyTorch's order (GRU: r, z, n; LSTM: i, f, g, o).
class Recurrent : public TrainLayer {
 public:
  enum class Cell { gru, lstm };
  struct Direction {
    Parameter weight_ih, weight_hh, bias_ih, bias_hh;  // (G·H, in), (G·H, H), (G·H), (G·H)
  };
  Recurrent(Cell cell, const RecurrentOptions& options, std::vector<Direction> weights);
  Shape output_shape(const Shape& input) const override;
  void forward(const Tensor& in, Tensor& out, const Pass& pass) override;
  void backward(const Tensor& in, const Tensor& out, const Tensor& grad_out,
                Tensor& grad_in) override;
  void collect(std::vector<Parameter*>& parameters, std::vector<Buffer>& buffers) override;
  std::unique_ptr<TrainLayer> replicate() const override;

 private:
  // What one direction of one layer keeps for its backward pass, per time step in the order
  // processed: the gates after their nonlinearity (batch × G·H), the previous state, and
  // `extra` — GRU: the recurrent part of n before r; LSTM: the cell state after the step.
  struct Trace {
    std::vector<Matrix> gates, previous, extra;
  };
  std::int64_t gate_count() const { return cell_ == Cell::gru ? 3 : 4; }
  void run_direction(const Matrix& input, std::int64_t batch, std::int64_t steps,
                     Direction& weights, bool reverse, Matrix& output, std::int64_t column,
                     Trace& trace) const;
  void back_direction(const Matrix& input, const Matrix& grad_output, std::int64_t batch,
                      std::int64_t steps, Direction& weights, bool reverse, std::int64_t column,
                      const Trace& trace, Matrix& grad_input) const;

  Cell cell_;
  RecurrentOptions options_;
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

// torch.nn.LayerNorm over the last axis: y = x̂ γ + β, x̂ = (x − mean) / √(var + eps).
class LayerNorm : public TrainLayer {
 public:
  LayerNorm(Parameter gamma, Parameter beta, float eps);
  Shape output_shape(const Shape& input) const override;
  void forward(const Tensor& in, Tensor& out, const Pass& pass) override;
  void backward(const Tensor& in, const Tensor& out, const Tensor& grad_out,
                Tensor& grad_in) override;
  void collect(std::vector<Parameter*>& parameters, std::vector<Buffer>& buffers) override;
  std::unique_ptr<TrainLayer> replicate() const override;

 private:
  Parameter gamma_, beta_;
  float eps_;
  Matrix normalised_;                  // x̂, rows × F
  Eigen::VectorXf inverse_deviation_;  // 1 / √(var + eps) per row
};

// A learned (1, max_len, d) table added to (N, T ≤ max_len, d).
class PositionalEmbedding : public TrainLayer {
 public:
  explicit PositionalEmbedding(Parameter table) : table_(std::move(table)) {}
  Shape output_shape(const Shape& input) const override;
  void forward(const Tensor& in, Tensor& out, const Pass& pass) override;
  void backward(const Tensor& in, const Tensor& out, const Tensor& grad_out,
                Tensor& grad_in) override;
  void collect(std::vector<Parameter*>& parameters, std::vector<Buffer>& buffers) override;
  std::unique_ptr<TrainLayer> replicate() const override;

 private:
  Parameter table_;
};

// The core of multi-head self-attention, without its projections: (N, T, 3d) holding q, k, v →
// (N, T, d), per head softmax(q kᵀ / √d_head) v, the attention weights dropped out with
// probability p in training (as torch.nn.MultiheadAttention's dropout).
class ScaledDotProductAttention : public TrainLayer {
 public:
  ScaledDotProductAttention(std::int64_t heads, double dropout) : heads_(heads), p_(dropout) {}
  Shape output_shape(const Shape& input) const override;
  void forward(const Tensor& in, Tensor& out, const Pass& pass) override;
  void backward(const Tensor& in, const Tensor& out, const Tensor& grad_out,
                Tensor& grad_in) override;
  std::unique_ptr<TrainLayer> replicate() const override;

 private:
  std::int64_t heads_;
  double p_;
  std::vector<Matrix> weights_;  // per item and head: the softmax, T × T
  std::vector<Matrix> masks_;    // the same, the dropout's scale per weight (empty: none)
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

// Parallel branches on the same input joined along one axis (torch.cat); an empty branch is the
// input itself, as a DenseNet layer keeps its input beside its new channels.
class Concat : public TrainLayer {
 public:
  Concat(std::vector<std::unique_ptr<Sequence>> branches, int axis)
      : branches_(std::move(branches)), axis_(axis) {}
  Shape output_shape(const Shape& input) const override;
  void forward(const Tensor& in, Tensor& out, const Pass& pass) override;
  void backward(const Tensor& in, const Tensor& out, const Tensor& grad_out,
                Tensor& grad_in) override;
  void collect(std::vector<Parameter*>& parameters, std::vector<Buffer>& buffers) override;
  std::unique_ptr<TrainLayer> replicate() const override;
  void commit_statistics() override;
  void freeze() override;

 private:
  // Rows of the output before the axis (`outer`) and each branch's block within one of them.
  std::vector<std::unique_ptr<Sequence>> branches_;
  int axis_;
  std::vector<Tensor> parts_, part_grads_;
  Tensor through_;
};

}  // namespace mirkit::nn::train
