// A network loaded from one safetensors file: the JSON description (layers, input shape, class
// names, single- or multi-label output, the feature config) in the metadata and the weights as
// F32 tensors named by layer position, as a PyTorch state_dict (see docs/nn.md).
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "mirkit/nn/layer.hpp"

namespace mirkit::io {
struct TensorFile;
}

namespace mirkit::nn {

// single_label: the classes exclude each other (softmax); multi_label: each class is its own
// yes/no (sigmoid).
enum class OutputKind { single_label, multi_label };

// How window predictions become one per clip:
//   mean:      the mean of the windows' probabilities
//   vote:      the fraction of windows whose top class (multi-label: probability ≥ 0.5) it is
//   max:       the highest probability any window gave the class
//   attention: the windows' probabilities weighted by softmax over windows of their largest
//              logit, so confident windows count more (no learned weights involved)
enum class Aggregate { mean, vote, max, attention };
Aggregate parse_aggregate(const std::string& name);  // usage Error naming the choices
std::string to_string(Aggregate aggregate);

struct WindowPredictions {
  Matrix windows;                    // windows × classes: probabilities
  std::vector<std::int64_t> starts;  // the first frame (row) of each window
  Eigen::VectorXf clip;              // classes: the aggregate
};

// The layer types a description may use, with a line each (the registry, for `mirkit list`).
struct LayerType {
  std::string type;
  std::string description;
  std::vector<std::string> fields;  // the JSON keys it accepts besides "type" and "name"
};
std::vector<LayerType> layer_types();

class Network {
 public:
  // Reads and checks the file; every error (truncated file, unknown layer, a tensor missing, of
  // the wrong shape or used by no layer) is an input Error naming the file and the layer.
  static Network load(const std::filesystem::path& path);
  // The same from a file's bytes; `where` names it in errors.
  static Network from_bytes(std::span<const std::byte> bytes, const std::string& where);

  // The last layer's output (logits), batch first: input (N, input_shape...). A batch is run
  // item by item (each item's activations stay in cache from layer to layer, which is faster
  // on every bench architecture); forward_whole_batch gives each layer the whole batch at once,
  // with the same values up to float rounding.
  Tensor forward(const Tensor& input) const;
  Tensor forward_whole_batch(const Tensor& input) const;
  // forward() then softmax over the last axis (single-label) or sigmoid (multi-label).
  Tensor predict(const Tensor& input) const;

  // Whole-file inference. `frames` is frames × dims, row-major (a log-mel spectrogram is frames ×
  // mel bins; a waveform is samples × 1). Windows of `window` rows every `hop` rows, the last one
  // ending at the last frame (a clip shorter than one window is zero-padded to one window); each
  // window's rows, contiguous, are reshaped to input_shape (a -1 there takes the rest). Windows
  // go through the network `batch_size` at a time.
  WindowPredictions predict_windows(const Eigen::Ref<const Matrix>& frames, std::int64_t window,
                                    std::int64_t hop, Aggregate aggregate,
                                    std::int64_t batch_size = 16) const;
  // The same for a waveform network: `samples` as samples × 1 frames.
  WindowPredictions predict_windows(std::span<const float> samples, std::int64_t window,
                                    std::int64_t hop, Aggregate aggregate,
                                    std::int64_t batch_size = 16) const;

  // One item's shape (no batch axis); -1 marks an axis of any length.
  const Shape& input_shape() const { return input_shape_; }
  // The shape one window of `window` frames × `dims` values takes (input_shape with its -1
  // filled in); a usage Error naming the file if the window does not fit.
  Shape window_shape(std::int64_t window, std::int64_t dims) const;
  const std::vector<std::string>& classes() const { return classes_; }
  OutputKind output() const { return output_; }
  // Multi-task heads ("output": "softmax_per_task"): each task's class range [begin, end),
  // a softmax each; empty otherwise.
  const std::vector<std::pair<int, int>>& tasks() const { return tasks_; }
  // The extraction config the model was trained on, as JSON text ("null" if none): what
  // `mirkit predict` hands to the feature extractor.
  const std::string& features_json() const { return features_; }
  // The network description ({"input_shape": …, "layers": […]}) as JSON text.
  const std::string& description_json() const { return description_; }
  const std::string& source() const { return where_; }

 private:
  static Network from_tensor_file(const io::TensorFile& file, const std::string& where);

  std::string where_;
  std::string description_;
  std::string features_;
  Shape input_shape_;
  std::vector<std::string> classes_;
  OutputKind output_ = OutputKind::single_label;
  std::vector<std::pair<int, int>> tasks_;
  std::shared_ptr<const Layer> layers_;  // immutable: copies of a Network share it
};

}  // namespace mirkit::nn
