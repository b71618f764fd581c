// Internal: a trainable network from the same description a model file holds, its weights taken
// from a store when present there (fine-tuning) and initialised as PyTorch does otherwise; and
// the way back, a trained network written as a model file that nn::Network loads.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "../definitions.hpp"
#include "layers.hpp"

namespace mirkit::models {
class Random;
}

namespace mirkit::nn::train {

struct TrainableNetwork {
  Json description;                // {"input_shape": [...], "layers": [...]}
  Shape input_shape;               // one item's
  std::unique_ptr<Sequence> root;  // the layers
  std::vector<Parameter*> parameters;
  std::vector<Buffer> buffers;
};

// `store` holds the weights to start from (possibly none: every tensor initialised from
// `random`, in layer order). Errors name `where` and the layer, as the loader's do.
TrainableNetwork build_trainable(const Json& description, WeightStore& store,
                                 models::Random& random);

// The layer types build_trainable accepts.
std::vector<std::string> trainable_types();

// A model file (nn::Network's format) holding `network`'s current values.
io::TensorFile export_network(const TrainableNetwork& network, const Json& metadata_extra);

}  // namespace mirkit::nn::train
