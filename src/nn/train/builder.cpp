#include "builder.hpp"

#include <algorithm>

#include "../../core/random.hpp"
#include "mirkit/core/error.hpp"
#include "mirkit/core/text.hpp"

namespace mirkit::nn::train {

std::unique_ptr<Sequence> Builder::sequence(const Json& list, const std::string& prefix) {
  const auto find_trainable = [](const std::string& type,
                                 const std::string& where) -> const LayerDefinition& {
    const LayerDefinition* definition = layer_registry().find(type);
    if (definition == nullptr || !definition->create_trainable) {
      throw Error(where + ": layer type '" + type + "' " +
                  (definition ? "has no training support" : "is unknown") +
                  "; trainable types: " + join(trainable_types(), ", "));
    }
    return *definition;
  };
  std::vector<std::unique_ptr<TrainLayer>> layers;
  for_each_layer(list, prefix, store_, find_trainable,
                 [&](const LayerDefinition& definition, const LoadContext& context) {
                   layers.push_back(definition.create_trainable(context, *this));
                 });
  return std::make_unique<Sequence>(std::move(layers));
}

Parameter Builder::take(const LoadContext& context, const std::string& name, const Shape& shape,
                        double bound, bool decay) {
  Parameter p = make_parameter(context.path() + "." + name, shape, decay);
  if (context.has_weight(name)) {
    *p.value = context.weight(name, shape);
  } else {
    for (float& v : p.value->values())
      v = static_cast<float>((2.0 * random_.uniform() - 1.0) * bound);
  }
  return p;
}

Parameter Builder::constant(const LoadContext& context, const std::string& name, std::int64_t size,
                            float value, bool decay) {
  Parameter p = make_parameter(context.path() + "." + name, {size}, decay);
  if (context.has_weight(name)) {
    *p.value = context.weight(name, {size});
  } else {
    std::fill(p.value->values().begin(), p.value->values().end(), value);
  }
  return p;
}

std::vector<std::string> trainable_types() {
  std::vector<std::string> types;
  for (const LayerDefinition& definition : layer_registry())
    if (definition.create_trainable) types.push_back(definition.type);
  return types;
}

TrainableNetwork build_trainable(const Json& description, WeightStore& store, Random& random) {
  const std::string& where = store.file;
  if (!description.is_object() || !description.contains("layers") ||
      !description.contains("input_shape")) {
    throw Error(where + ": the network needs 'input_shape' and 'layers'");
  }
  TrainableNetwork network;
  network.description = description;
  for (const Json& d : description["input_shape"]) {
    if (!d.is_number_integer() || (d.get<std::int64_t>() < 1 && d.get<std::int64_t>() != -1)) {
      throw Error(where + ": 'input_shape' entries must be positive integers or -1, got " +
                  description["input_shape"].dump());
    }
    network.input_shape.push_back(d.get<std::int64_t>());
  }
  Builder builder(store, random);
  network.root = builder.sequence(description["layers"], "");
  network.root->collect(network.parameters, network.buffers);
  return network;
}

io::TensorFile export_network(const TrainableNetwork& network, const Json& metadata) {
  io::TensorFile file;
  file.metadata = metadata;
  file.metadata["format"] = "model";
  file.metadata["kind"] = "nn";
  file.metadata["version"] = 1;
  file.metadata["network"] = network.description;
  const auto add = [&](const std::string& name, const Tensor& value) {
    file.tensors[name] = io::Tensor::from_floats(value.shape(), value.values());
  };
  for (const Parameter* p : network.parameters)
    add(p->name, *p->value);
  for (const Buffer& b : network.buffers)
    add(b.name, *b.value);
  return file;
}

}  // namespace mirkit::nn::train
