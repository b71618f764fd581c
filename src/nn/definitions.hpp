// Internal: how a layer is made from its JSON entry and its tensors, and the registry's entries
// (one `*_definition()` per layer file; the explicit list is in builtin.cpp).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "mirkit/core/json.hpp"
#include "mirkit/core/params.hpp"
#include "mirkit/core/registry.hpp"
#include "mirkit/io/safetensors.hpp"
#include "mirkit/nn/conv1d.hpp"
#include "mirkit/nn/conv2d.hpp"
#include "mirkit/nn/layer.hpp"
#include "mirkit/nn/pooling.hpp"
#include "mirkit/nn/recurrent.hpp"

namespace mirkit::nn {

// The weights of one file, each taken at most once, so that a tensor no layer asked for (a
// misspelt name in an exporter) is reported instead of silently ignored.
struct WeightStore {
  std::string file;
  std::map<std::string, io::Tensor> tensors;
  std::set<std::string> taken;
};

class LoadContext {
 public:
  // `params`: the entry resolved against its definition's schema; `raw`: the entry as written
  // (for nested layer lists); `path`: the layer's position ("3", "3.body.0"), which is also the
  // prefix of its tensors' names, as in a PyTorch state_dict of nested Sequentials.
  LoadContext(Json params, Json raw, std::string path, std::string type, WeightStore& store);

  const Json& params() const { return params_; }
  const Json& raw() const { return raw_; }
  const std::string& path() const { return path_; }
  // "layer 3 (conv2d)", or "layer 3 (conv2d 'stem')" when the entry has a name.
  std::string label() const;
  // "model.safetensors: layer 3 (conv2d)": the start of every message about this layer.
  std::string where() const;
  [[noreturn]] void fail(const std::string& cause) const;

  // Whether an optional parameter (declared with a null default) was given.
  bool given(const std::string& key) const;
  // Required parameters (declared without a default): an error when absent.
  std::int64_t integer(const std::string& key) const;
  double number(const std::string& key) const;
  bool boolean(const std::string& key) const;
  std::string string(const std::string& key) const;
  // A list of `count` whole numbers.
  std::vector<std::int64_t> integers(const std::string& key, std::size_t count) const;

  // The tensor `<path>.<name>`, which must exist with exactly `shape`.
  Tensor weight(const std::string& name, const Shape& shape) const;
  bool has_weight(const std::string& name) const;

  // The nested layer list raw()[key] (a JSON array), its tensors under `<path>.<key>`.
  std::unique_ptr<Layer> sequence(const Json& list, const std::string& key) const;
  // The same context for a sub-module (`<path>.<name>`), e.g. a transformer's "self_attn".
  LoadContext child(const std::string& name) const;

 private:
  Json params_;
  Json raw_;
  std::string path_;
  std::string type_;
  WeightStore* store_;
};

namespace train {
class TrainLayer;
class Builder;
}  // namespace train

// A layer's training form (nn/train/), made from the same entry as its inference form.
using TrainableFactory =
    std::function<std::unique_ptr<train::TrainLayer>(const LoadContext&, train::Builder&)>;

// Everything about one layer type, in one place: its parameters, its inference form and, when
// mirkit can train it, its training form. The registry (builtin.cpp) lists them all.
struct LayerDefinition {
  std::string type;
  std::string description;             // one line, for docs and the unknown-type error
  ParamSchema params;                  // "type" and "name" are always allowed
  std::vector<std::string> sublayers;  // keys holding nested layer lists (not in `params`)
  std::function<std::unique_ptr<Layer>(const LoadContext&)> create;
  TrainableFactory create_trainable;  // empty: runs, but cannot be trained (yet)
};

using LayerRegistry = Registry<LayerDefinition, &LayerDefinition::type>;
const LayerRegistry& layer_registry();

// Builds a layer list; `prefix` is the path of the enclosing block ("" at the top).
std::unique_ptr<Layer> build_sequence(const Json& list, const std::string& prefix,
                                      WeightStore& store);

// The walk over a layer list that the inference and the training builders share: each entry
// checked (an object with a string "type"), its definition found by `find` (which throws for a
// type it cannot build), its parameters resolved (its sublayer keys passed through), then
// `visit(definition, context)`. A bad entry is an input Error naming store.file and the layer.
using FindLayer =
    std::function<const LayerDefinition&(const std::string& type, const std::string& where)>;
void for_each_layer(const Json& list, const std::string& prefix, WeightStore& store,
                    const FindLayer& find,
                    const std::function<void(const LayerDefinition&, const LoadContext&)>& visit);

// A convolution entry's settings, checked; shared by the inference and training forms (a 1-D
// convolution runs as a 2-D one of height 1: as_2d).
Conv1dOptions read_conv1d_options(const LoadContext& context);
Conv2dOptions read_conv2d_options(const LoadContext& context);
Conv2dOptions as_2d(const Conv1dOptions& options);
Tensor read_bias(const LoadContext& context, std::int64_t channels);  // empty without "bias"

// A pooling entry's settings, checked; shared by the inference and training forms.
PoolOptions read_pool_options(const LoadContext& context, PoolKind kind, bool one_dimensional);

// Shared by gru.cpp and lstm.cpp (recurrent.cpp).
ParamSchema recurrent_schema();
RecurrentOptions read_recurrent_options(const LoadContext& context);
std::vector<RecurrentWeights> read_recurrent_weights(const LoadContext& context,
                                                     const RecurrentOptions& options,
                                                     std::int64_t gates);

}  // namespace mirkit::nn
