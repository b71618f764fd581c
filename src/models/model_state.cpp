#include "mirkit/models/model_state.hpp"

#include <algorithm>

namespace mirkit::models {
namespace {

std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string text = "[";
  for (std::size_t i = 0; i < shape.size(); ++i)
    text += (i ? ", " : "") + (shape[i] < 0 ? std::string("any") : std::to_string(shape[i]));
  return text + "]";
}

const io::Tensor& find_tensor(const ModelState& state, const std::string& name,
                              std::vector<std::int64_t> expected) {
  const auto found = state.tensors.find(name);
  if (found == state.tensors.end()) {
    throw state_error("tensor '" + state.prefix + name + "' is missing");
  }
  const io::Tensor& tensor = found->second;
  bool matches = tensor.shape.size() == expected.size();
  for (std::size_t i = 0; matches && i < expected.size(); ++i)
    matches = expected[i] < 0 || expected[i] == tensor.shape[i];
  if (!matches) {
    throw state_error("tensor '" + state.prefix + name + "' has shape " + shape_text(tensor.shape) +
                      ", expected " + shape_text(expected));
  }
  return tensor;
}

}  // namespace

Error state_error(const std::string& cause) {
  return Error("model state: " + cause);
}

void put_matrix(ModelState& state, const std::string& name, const dsp::MatrixD& matrix) {
  state.tensors[name] = io::Tensor::from_doubles(
      {matrix.rows(), matrix.cols()}, std::span<const double>(matrix.data(), matrix.size()));
}

void put_vector(ModelState& state, const std::string& name, std::span<const double> values) {
  state.tensors[name] =
      io::Tensor::from_doubles({static_cast<std::int64_t>(values.size())}, values);
}

void put_ints(ModelState& state, const std::string& name, std::span<const std::int64_t> values) {
  state.tensors[name] = io::Tensor::from_int64({static_cast<std::int64_t>(values.size())}, values);
}

dsp::MatrixD get_matrix(const ModelState& state, const std::string& name, std::int64_t rows,
                        std::int64_t cols) {
  const io::Tensor& tensor = find_tensor(state, name, {rows, cols});
  const std::vector<double> values =
      tensor.to_doubles("model state: tensor '" + state.prefix + name + "'");
  dsp::MatrixD matrix(tensor.shape[0], tensor.shape[1]);
  std::copy(values.begin(), values.end(), matrix.data());
  return matrix;
}

std::vector<double> get_vector(const ModelState& state, const std::string& name,
                               std::int64_t size) {
  return find_tensor(state, name, {size})
      .to_doubles("model state: tensor '" + state.prefix + name + "'");
}

std::vector<std::int64_t> get_ints(const ModelState& state, const std::string& name,
                                   std::int64_t size) {
  return find_tensor(state, name, {size})
      .to_int64("model state: tensor '" + state.prefix + name + "'");
}

const Json& get_value(const ModelState& state, const std::string& key) {
  if (!state.values.is_object() || !state.values.contains(key)) {
    throw state_error("value '" + state.prefix + key + "' is missing");
  }
  return state.values[key];
}

void put_child(ModelState& parent, const std::string& prefix, const ModelState& child) {
  parent.values[prefix] = child.values;
  for (const auto& [name, tensor] : child.tensors)
    parent.tensors[prefix + "." + name] = tensor;
}

ModelState get_child(const ModelState& parent, const std::string& prefix) {
  ModelState child;
  child.values = get_value(parent, prefix);
  child.prefix = parent.prefix + prefix + ".";
  const std::string start = prefix + ".";
  for (auto it = parent.tensors.lower_bound(start);
       it != parent.tensors.end() && it->first.compare(0, start.size(), start) == 0; ++it) {
    child.tensors[it->first.substr(start.size())] = it->second;
  }
  return child;
}

}  // namespace mirkit::models
