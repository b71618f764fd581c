// Internal: a trainable network from the same description a model file holds, its weights taken
// from a store when present there (fine-tuning) and initialised as PyTorch does otherwise; and
// the way back, a trained network written as a model file that nn::Network loads.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "../definitions.hpp"
#include "layers.hpp"

namespace mirkit {
class Random;
}

namespace mirkit::nn::train {

// What a layer's training form is made with (LayerDefinition::create_trainable): its tensors
// taken from the store (fine-tuning) or initialised as PyTorch does, in layer order from one
// random stream, and nested layer lists (a residual block's body).
class Builder {
 public:
  Builder(WeightStore& store, Random& random) : store_(store), random_(random) {}

  // A layer list; `prefix` is the path of the enclosing block ("" at the top).
  std::unique_ptr<Sequence> sequence(const Json& list, const std::string& prefix);
  // The tensor `name` of the layer, from the store, else uniform in ±bound (PyTorch's
  // kaiming_uniform with a = √5 for convolutions and linear layers: bound = 1/√fan_in).
  Parameter take(const LoadContext& context, const std::string& name, const Shape& shape,
                 double bound, bool decay = true);
  // The vector `name`, from the store, else filled with `value`.
  Parameter constant(const LoadContext& context, const std::string& name, std::int64_t size,
                     float value, bool decay);

 private:
  WeightStore& store_;
  Random& random_;
};

struct TrainableNetwork {
  Json description;                // {"input_shape": [...], "layers": [...]}
  Shape input_shape;               // one item's
  std::unique_ptr<Sequence> root;  // the layers
  std::vector<Parameter*> parameters;
  std::vector<Buffer> buffers;
};

// `store` holds the weights to start from (possibly none: every tensor initialised from
// `random`, in layer order). Errors name `where` and the layer, as the loader's do.
TrainableNetwork build_trainable(const Json& description, WeightStore& store, Random& random);

// The layer types build_trainable accepts: those whose definition has a training form.
std::vector<std::string> trainable_types();

// A model file (nn::Network's format) holding `network`'s current values.
io::TensorFile export_network(const TrainableNetwork& network, const Json& metadata_extra);

}  // namespace mirkit::nn::train
