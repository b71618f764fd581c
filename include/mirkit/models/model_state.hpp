// What a trained model is on disk: its parameters as named tensors plus a JSON document of small
// values (classes, chosen hyper-parameters). The model file (DESIGN.md, Artifacts) stores the
// tensors as they are and the values in its metadata, so the state never goes through LIBSVM's
// or anyone else's text format.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "mirkit/core/error.hpp"
#include "mirkit/core/json.hpp"
#include "mirkit/core/json_value.hpp"
#include "mirkit/dsp/matrix.hpp"
#include "mirkit/io/safetensors.hpp"

namespace mirkit::models {

struct ModelState {
  Json values = Json::object();
  std::map<std::string, io::Tensor> tensors;
  // Where this state sits in the whole (set by get_child, e.g. "model.class2."), so that errors
  // name a tensor by its full name in the file.
  std::string prefix;
};

// Writers. Parameters are stored as F64 so that save → load gives bit-identical predictions.
void put_matrix(ModelState& state, const std::string& name, const dsp::MatrixD& matrix);
void put_vector(ModelState& state, const std::string& name, std::span<const double> values);
void put_ints(ModelState& state, const std::string& name, std::span<const std::int64_t> values);

// Readers: a missing tensor, a wrong dtype or a shape other than the expected one (-1: any size)
// is an input Error that names the tensor, e.g. "model state: tensor 'svm.rho' has shape [3],
// expected [6]".
dsp::MatrixD get_matrix(const ModelState& state, const std::string& name, std::int64_t rows = -1,
                        std::int64_t cols = -1);
std::vector<double> get_vector(const ModelState& state, const std::string& name,
                               std::int64_t size = -1);
std::vector<std::int64_t> get_ints(const ModelState& state, const std::string& name,
                                   std::int64_t size = -1);
// A value of `values`; missing is an Error naming the key.
const Json& get_value(const ModelState& state, const std::string& key);

// A value of a given type; a wrong type is an Error naming the key.
template <typename T>
T read_value(const ModelState& state, const std::string& key);

// Nesting, for wrappers (scaler + model, one-vs-rest): the child's tensors are stored as
// "<prefix>.<name>" and its values under values[prefix].
void put_child(ModelState& parent, const std::string& prefix, const ModelState& child);
ModelState get_child(const ModelState& parent, const std::string& prefix);

// An input Error "model state: <cause>", for checks the readers cannot make.
Error state_error(const std::string& cause);

template <typename T>
T read_value(const ModelState& state, const std::string& key) {
  const Json& value = get_value(state, key);
  std::optional<T> read;
  try {
    read = json_value<T>(value);  // an integer out of T's range is the wrong type too
  } catch (const Json::exception&) {
  }
  if (!read) {
    throw state_error("value '" + state.prefix + key + "' has the wrong type: " + value.dump());
  }
  return *std::move(read);
}

}  // namespace mirkit::models
