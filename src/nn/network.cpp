#include "mirkit/nn/network.hpp"

#include <algorithm>
#include <cmath>

#include "definitions.hpp"
#include "mirkit/core/error.hpp"
#include "mirkit/io/safetensors.hpp"
#include "mirkit/nn/softmax.hpp"

namespace mirkit::nn {
namespace {

constexpr int kFormatVersion = 1;

[[noreturn]] void fail(const std::string& where, const std::string& cause) {
  throw Error(where + ": " + cause);
}

const Json& member(const Json& object, const std::string& key, const std::string& where) {
  if (!object.is_object() || !object.contains(key))
    fail(where, "model metadata lacks '" + key + "'");
  return object[key];
}

// Sigmoid or softmax of each row of logits, in place; with tasks, a softmax over each task's
// classes.
void to_probabilities(OutputKind output, const std::vector<std::pair<int, int>>& tasks,
                      MatrixMap logits) {
  if (!tasks.empty()) {
    for (Eigen::Index r = 0; r < logits.rows(); ++r) {
      for (const auto& [begin, end] : tasks)
        softmax_inplace(logits.data() + r * logits.cols() + begin, end - begin);
    }
    return;
  }
  if (output == OutputKind::multi_label) {
    logits = (1.0f / (1.0f + (-logits.array()).exp())).matrix();
    return;
  }
  for (Eigen::Index r = 0; r < logits.rows(); ++r) {
    softmax_inplace(logits.data() + r * logits.cols(), logits.cols());
  }
}

}  // namespace

Aggregate parse_aggregate(const std::string& name) {
  for (const Aggregate a :
       {Aggregate::mean, Aggregate::vote, Aggregate::max, Aggregate::attention}) {
    if (to_string(a) == name) return a;
  }
  throw usage_error("unknown aggregate '" + name + "'; known: mean, vote, max, attention");
}

std::string to_string(Aggregate aggregate) {
  switch (aggregate) {
    case Aggregate::mean:
      return "mean";
    case Aggregate::vote:
      return "vote";
    case Aggregate::max:
      return "max";
    case Aggregate::attention:
      return "attention";
  }
  return "?";
}

std::vector<LayerType> layer_types() {
  std::vector<LayerType> out;
  for (const LayerDefinition& definition : layer_registry()) {
    LayerType type{definition.type, definition.description, {}};
    for (const ParamSpec& spec : definition.params.specs())
      type.fields.push_back(spec.name);
    type.fields.insert(type.fields.end(), definition.sublayers.begin(), definition.sublayers.end());
    out.push_back(std::move(type));
  }
  return out;
}

Network Network::load(const std::filesystem::path& path) {
  return from_tensor_file(io::read_safetensors(path), path.string());
}

Network Network::from_bytes(std::span<const std::byte> bytes, const std::string& where) {
  return from_tensor_file(io::decode_safetensors(bytes, where), where);
}

Network Network::from_tensor_file(const io::TensorFile& file, const std::string& where) {
  Network network;
  network.where_ = where;
  const Json& meta = file.metadata;
  if (member(meta, "format", where) != "model")
    fail(where, "not a model file ('format' is not 'model')");
  if (member(meta, "kind", where) != "nn")
    fail(where, "not a neural-network model ('kind' is not 'nn')");
  if (member(meta, "version", where) != kFormatVersion) {
    fail(where, "unsupported nn model version " + meta["version"].dump() + " (this build reads " +
                    std::to_string(kFormatVersion) + ")");
  }
  const Json& description = member(meta, "network", where);
  network.description_ = description.dump();
  const Json& shape = member(description, "input_shape", where);
  if (!shape.is_array() || shape.empty()) fail(where, "'input_shape' must be a non-empty list");
  for (const Json& d : shape) {
    if (!d.is_number_integer() || (d.get<std::int64_t>() < 1 && d.get<std::int64_t>() != -1)) {
      fail(where, "'input_shape' entries must be positive integers or -1, got " + shape.dump());
    }
    network.input_shape_.push_back(d.get<std::int64_t>());
  }
  const Json& classes = member(meta, "classes", where);
  if (!classes.is_array() || classes.empty()) fail(where, "'classes' must be a non-empty list");
  for (const Json& c : classes) {
    if (!c.is_string()) fail(where, "'classes' must hold strings");
    network.classes_.push_back(c.get<std::string>());
  }
  const Json& output = member(meta, "output", where);
  if (output == "softmax") {
    network.output_ = OutputKind::single_label;
  } else if (output == "sigmoid") {
    network.output_ = OutputKind::multi_label;
  } else if (output == "softmax_per_task") {
    // Multi-task heads: one label per task, so a clip has several labels (multi-label), each
    // task's classes a contiguous range with a softmax of its own.
    network.output_ = OutputKind::multi_label;
    const Json& tasks = member(meta, "tasks", where);
    int next = 0;
    for (const Json& task : tasks) {
      const Json& range = task.is_object() ? task.value("classes", Json()) : Json();
      if (!range.is_array() || range.size() != 2 || range[0] != next ||
          range[1].get<int>() <= next) {
        fail(where, "'tasks' must list consecutive class ranges {\"classes\": [begin, end]}");
      }
      network.tasks_.emplace_back(next, range[1].get<int>());
      next = range[1].get<int>();
    }
    if (next != static_cast<int>(network.classes_.size()))
      fail(where, "'tasks' must cover every class");
  } else {
    fail(where,
         "'output' must be 'softmax' (single-label), 'sigmoid' (multi-label) or "
         "'softmax_per_task', got " +
             output.dump());
  }
  network.features_ = meta.contains("features") ? meta["features"].dump() : "null";

  WeightStore store{where, file.tensors, {}};
  network.layers_ = build_sequence(member(description, "layers", where), "", store);
  for (const auto& [name, tensor] : store.tensors) {
    if (!store.taken.count(name)) fail(where, "tensor '" + name + "' is used by no layer");
  }

  // With a fixed input shape every layer's sizes are checked now, not at the first prediction.
  if (std::find(network.input_shape_.begin(), network.input_shape_.end(), -1) ==
      network.input_shape_.end()) {
    Shape probe = {1};
    probe.insert(probe.end(), network.input_shape_.begin(), network.input_shape_.end());
    Shape out;
    try {
      out = network.layers_->output_shape(probe);
    } catch (const Error& error) {
      fail(where, error.cause());
    }
    if (out.size() != 2 || out[1] != static_cast<std::int64_t>(network.classes_.size())) {
      fail(where, "the network gives " + to_string(out) + " for one input but there are " +
                      std::to_string(network.classes_.size()) + " classes");
    }
  }
  return network;
}

namespace {

bool fits(const Shape& item, const Shape& batch) {
  bool ok = batch.size() == item.size() + 1;
  for (std::size_t a = 0; ok && a < item.size(); ++a)
    ok = item[a] == -1 || item[a] == batch[a + 1];
  return ok;
}

}  // namespace

Tensor Network::forward_whole_batch(const Tensor& input) const {
  if (!fits(input_shape_, input.shape())) {
    fail(where_, "input of shape " + to_string(input.shape()) + " does not match " +
                     batch_of(input_shape_));
  }
  Tensor out;
  try {
    layers_->output_shape(input.shape());
    layers_->forward(input, out);
  } catch (const Error& error) {
    throw error.with_file(where_);
  }
  return out;
}

Tensor Network::forward(const Tensor& input) const {
  const Shape& s = input.shape();
  if (!fits(input_shape_, s)) {
    fail(where_, "input of shape " + to_string(s) + " does not match " + batch_of(input_shape_));
  }
  if (s[0] == 1) return forward_whole_batch(input);
  try {
    Tensor out(layers_->output_shape(s)), item, result;
    Shape item_shape = s;
    item_shape[0] = 1;
    const std::int64_t in_size = input.size() / s[0], out_size = out.size() / s[0];
    for (std::int64_t b = 0; b < s[0]; ++b) {
      item.resize(item_shape);
      std::copy_n(input.data() + b * in_size, in_size, item.data());
      layers_->forward(item, result);
      std::copy_n(result.data(), out_size, out.data() + b * out_size);
    }
    return out;
  } catch (const Error& error) {
    throw error.with_file(where_);
  }
}

Tensor Network::predict(const Tensor& input) const {
  Tensor out = forward(input);
  const std::int64_t classes = out.dim(-1);
  to_probabilities(output_, tasks_, out.matrix(out.size() / classes, classes));
  return out;
}

Shape Network::window_shape(std::int64_t window, std::int64_t dims) const {
  const std::int64_t per_item = window * dims;
  Shape item = input_shape_;
  std::int64_t known = 1;
  for (const std::int64_t d : item)
    known *= d == -1 ? 1 : d;
  for (std::int64_t& d : item) {
    if (d == -1) d = per_item / known;
  }
  if (element_count(item) != per_item) {
    throw usage_error(where_ + ": a window of " + std::to_string(window) + " frames × " +
                      std::to_string(dims) + " values does not fit the input shape " +
                      to_string(input_shape_));
  }
  return item;
}

WindowPredictions Network::predict_windows(std::span<const float> samples, std::int64_t window,
                                           std::int64_t hop, Aggregate aggregate,
                                           std::int64_t batch_size) const {
  const ConstMatrixMap frames(samples.data(), static_cast<Eigen::Index>(samples.size()), 1);
  return predict_windows(frames, window, hop, aggregate, batch_size);
}

WindowPredictions Network::predict_windows(const Eigen::Ref<const Matrix>& frames,
                                           std::int64_t window, std::int64_t hop,
                                           Aggregate aggregate, std::int64_t batch_size) const {
  if (window < 1 || hop < 1 || batch_size < 1) {
    throw usage_error("window, hop and batch size must be positive");
  }
  const std::int64_t dims = frames.cols(), per_item = window * dims;
  const Shape item = window_shape(window, dims);

  WindowPredictions result;
  const std::int64_t length = frames.rows();
  for (std::int64_t start = 0; start + window <= length; start += hop)
    result.starts.push_back(start);
  if (result.starts.empty()) {
    result.starts.push_back(0);
  } else if (result.starts.back() + window < length) {
    result.starts.push_back(length - window);  // the tail is covered too
  }
  const std::int64_t count = static_cast<std::int64_t>(result.starts.size());
  const std::int64_t classes = static_cast<std::int64_t>(classes_.size());
  Matrix logits(count, classes);

  Shape batch_shape = {0};
  batch_shape.insert(batch_shape.end(), item.begin(), item.end());
  Tensor batch;
  for (std::int64_t first = 0; first < count; first += batch_size) {
    const std::int64_t size = std::min(batch_size, count - first);
    batch_shape[0] = size;
    batch.resize(batch_shape);
    std::fill(batch.values().begin(), batch.values().end(), 0.0f);
    for (std::int64_t b = 0; b < size; ++b) {
      const std::int64_t start = result.starts[static_cast<std::size_t>(first + b)];
      const std::int64_t rows = std::min(window, length - start);
      MatrixMap(batch.data() + b * per_item, window, dims).topRows(rows) =
          frames.middleRows(start, rows);
    }
    const Tensor out = forward(batch);
    if (out.rank() != 2 || out.dim(1) != classes) {
      fail(where_, "the network gives " + to_string(out.shape()) + " for a batch but there are " +
                       std::to_string(classes) + " classes");
    }
    logits.middleRows(first, size) = out.matrix(size, classes);
  }

  result.windows = logits;
  to_probabilities(output_, tasks_, MatrixMap(result.windows.data(), count, classes));
  const Matrix& p = result.windows;
  switch (aggregate) {
    case Aggregate::mean:
      result.clip = p.colwise().mean().transpose();
      break;
    case Aggregate::max:
      result.clip = p.colwise().maxCoeff().transpose();
      break;
    case Aggregate::vote: {
      result.clip = Eigen::VectorXf::Zero(classes);
      for (std::int64_t w = 0; w < count; ++w) {
        if (!tasks_.empty()) {
          for (const auto& [begin, end] : tasks_) {
            Eigen::Index top;
            p.row(w).segment(begin, end - begin).maxCoeff(&top);
            result.clip[begin + top] += 1.0f;
          }
        } else if (output_ == OutputKind::multi_label) {
          result.clip += (p.row(w).array() >= 0.5f).cast<float>().matrix().transpose();
        } else {
          Eigen::Index top;
          p.row(w).maxCoeff(&top);
          result.clip[top] += 1.0f;
        }
      }
      result.clip /= static_cast<float>(count);
      break;
    }
    case Aggregate::attention: {
      Eigen::VectorXf weights = logits.rowwise().maxCoeff();
      softmax_inplace(weights.data(), count);
      result.clip = p.transpose() * weights;
      break;
    }
  }
  return result;
}

}  // namespace mirkit::nn
