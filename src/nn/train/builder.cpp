#include "builder.hpp"

#include <cmath>

#include "../../models/random.hpp"
#include "mirkit/core/error.hpp"
#include "mirkit/nn/permute.hpp"
#include "mirkit/nn/reshape.hpp"

namespace mirkit::nn::train {
namespace {

const std::vector<std::string> kTrainable = {"conv1d",
                                             "conv2d",
                                             "batch_norm",
                                             "linear",
                                             "relu",
                                             "leaky_relu",
                                             "elu",
                                             "gelu",
                                             "sigmoid",
                                             "tanh",
                                             "max_pool1d",
                                             "avg_pool1d",
                                             "max_pool2d",
                                             "avg_pool2d",
                                             "global_avg_pool",
                                             "global_max_pool",
                                             "dropout",
                                             "flatten",
                                             "reshape",
                                             "permute",
                                             "gru",
                                             "attention_pooling",
                                             "residual"};

class Builder {
 public:
  Builder(WeightStore& store, models::Random& random) : store_(store), random_(random) {}

  std::unique_ptr<Sequence> sequence(const Json& list, const std::string& prefix) {
    const std::string list_where = store_.file + ": " + (prefix.empty() ? "layers" : prefix);
    if (!list.is_array()) throw Error(list_where + ": must be a list of layers");
    std::vector<std::unique_ptr<TrainLayer>> layers;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const Json& entry = list[i];
      const std::string path = (prefix.empty() ? "" : prefix + ".") + std::to_string(i);
      const std::string where = store_.file + ": layer " + path;
      if (!entry.is_object() || !entry.contains("type") || !entry["type"].is_string()) {
        throw Error(where + ": must be an object with a string 'type'");
      }
      const std::string type = entry["type"].get<std::string>();
      const LayerDefinition* definition = layer_registry().find(type);
      if (definition == nullptr ||
          std::find(kTrainable.begin(), kTrainable.end(), type) == kTrainable.end()) {
        std::string known;
        for (const std::string& t : kTrainable)
          known += (known.empty() ? "" : ", ") + t;
        throw Error(where + ": layer type '" + type + "' " +
                    (definition ? "has no training support" : "is unknown") +
                    "; trainable types: " + known);
      }
      std::vector<std::string> passthrough = {"type", "name"};
      passthrough.insert(passthrough.end(), definition->sublayers.begin(),
                         definition->sublayers.end());
      const Json params = definition->params.resolve(entry, where + " (" + type + ")", passthrough);
      layers.push_back(layer(LoadContext(params, entry, path, type, store_), type));
    }
    return std::make_unique<Sequence>(std::move(layers));
  }

 private:
  // PyTorch's defaults: weights and biases of convolutions and linear layers uniform in
  // ±1/√fan_in (kaiming_uniform with a = √5), recurrent weights in ±1/√hidden.
  Parameter take(const LoadContext& context, const std::string& name, const Shape& shape,
                 double bound, bool decay = true) {
    Parameter p = make_parameter(context.path() + "." + name, shape, decay);
    if (context.has_weight(name)) {
      *p.value = context.weight(name, shape);
    } else {
      for (float& v : p.value->values())
        v = static_cast<float>((2.0 * random_.uniform() - 1.0) * bound);
    }
    return p;
  }

  Parameter constant(const LoadContext& context, const std::string& name, std::int64_t size,
                     float value, bool decay) {
    Parameter p = make_parameter(context.path() + "." + name, {size}, decay);
    if (context.has_weight(name)) {
      *p.value = context.weight(name, {size});
    } else {
      std::fill(p.value->values().begin(), p.value->values().end(), value);
    }
    return p;
  }

  std::unique_ptr<TrainLayer> convolution(const LoadContext& c, bool one_dimensional) {
    ConvGeometry g;
    g.one_dimensional = one_dimensional;
    g.in_channels = c.integer("in_channels");
    g.out_channels = c.integer("out_channels");
    if (c.integer("groups") != 1) c.fail("training supports groups = 1 only");
    if (one_dimensional) {
      g.kernel_w = c.integer("kernel_size");
      g.stride_w = c.integer("stride");
      g.dilation_w = c.integer("dilation");
      const std::int64_t padding = c.integer("padding");
      if (c.boolean("causal")) {
        if (padding != 0) c.fail("causal and padding are exclusive");
        g.pad_left = (g.kernel_w - 1) * g.dilation_w;
      } else {
        g.pad_left = g.pad_right = padding;
      }
    } else {
      const auto kernel = c.integers("kernel_size", 2), stride = c.integers("stride", 2);
      const auto padding = c.integers("padding", 2), dilation = c.integers("dilation", 2);
      g.kernel_h = kernel[0], g.kernel_w = kernel[1];
      g.stride_h = stride[0], g.stride_w = stride[1];
      g.pad_top = g.pad_bottom = padding[0];
      g.pad_left = g.pad_right = padding[1];
      g.dilation_h = dilation[0], g.dilation_w = dilation[1];
    }
    const double bound =
        1.0 / std::sqrt(static_cast<double>(g.in_channels * g.kernel_h * g.kernel_w));
    const Shape shape = one_dimensional
                            ? Shape{g.out_channels, g.in_channels, g.kernel_w}
                            : Shape{g.out_channels, g.in_channels, g.kernel_h, g.kernel_w};
    Parameter weight = take(c, "weight", shape, bound);
    std::unique_ptr<Parameter> bias;
    if (c.boolean("bias"))
      bias = std::make_unique<Parameter>(take(c, "bias", {g.out_channels}, bound, false));
    return std::make_unique<Convolution>(g, std::move(weight), std::move(bias));
  }

  std::unique_ptr<TrainLayer> layer(const LoadContext& c, const std::string& type) {
    if (type == "conv1d" || type == "conv2d") return convolution(c, type == "conv1d");
    if (type == "batch_norm") {
      const std::int64_t n = c.integer("num_features");
      Parameter gamma = constant(c, "weight", n, 1.0f, false);
      Parameter beta = constant(c, "bias", n, 0.0f, false);
      const auto buffer = [&](const std::string& name, float value) {
        return Buffer{c.path() + "." + name, constant(c, name, n, value, false).value};
      };
      Buffer mean = buffer("running_mean", 0.0f), var = buffer("running_var", 1.0f);
      return std::make_unique<BatchNorm>(std::move(gamma), std::move(beta), std::move(mean),
                                         std::move(var), c.number("eps"), 0.1);
    }
    if (type == "linear") {
      const std::int64_t in = c.integer("in_features"), out = c.integer("out_features");
      const double bound = 1.0 / std::sqrt(static_cast<double>(in));
      Parameter weight = take(c, "weight", {out, in}, bound);
      std::unique_ptr<Parameter> bias;
      if (c.boolean("bias"))
        bias = std::make_unique<Parameter>(take(c, "bias", {out}, bound, false));
      return std::make_unique<Linear>(std::move(weight), std::move(bias));
    }
    if (type == "relu") return std::make_unique<Activation>(ActivationType::relu, 0.0f);
    if (type == "leaky_relu") {
      return std::make_unique<Activation>(ActivationType::leaky_relu,
                                          static_cast<float>(c.number("negative_slope")));
    }
    if (type == "elu") {
      return std::make_unique<Activation>(ActivationType::elu,
                                          static_cast<float>(c.number("alpha")));
    }
    if (type == "gelu") return std::make_unique<Activation>(ActivationType::gelu, 0.0f);
    if (type == "sigmoid") return std::make_unique<Activation>(ActivationType::sigmoid, 0.0f);
    if (type == "tanh") return std::make_unique<Activation>(ActivationType::tanh, 0.0f);
    if (type.ends_with("pool1d") || type.ends_with("pool2d")) {
      PoolOptions g;
      g.kind = type.starts_with("max") ? PoolKind::max : PoolKind::average;
      g.one_dimensional = type.ends_with("1d");
      if (g.one_dimensional) {
        g.kernel_w = c.integer("kernel_size");
        g.stride_w = c.given("stride") ? c.integer("stride") : g.kernel_w;
        g.pad_w = c.integer("padding");
      } else {
        const auto kernel = c.integers("kernel_size", 2);
        const auto stride = c.given("stride") ? c.integers("stride", 2) : kernel;
        const auto padding = c.integers("padding", 2);
        g.kernel_h = kernel[0], g.kernel_w = kernel[1];
        g.stride_h = stride[0], g.stride_w = stride[1];
        g.pad_h = padding[0], g.pad_w = padding[1];
      }
      if (2 * g.pad_h > g.kernel_h || 2 * g.pad_w > g.kernel_w)
        c.fail("padding must be at most kernel_size / 2");
      return std::make_unique<Pooling>(g);
    }
    if (type == "global_avg_pool") return std::make_unique<GlobalPool>(false);
    if (type == "global_max_pool") return std::make_unique<GlobalPool>(true);
    if (type == "dropout") return std::make_unique<Dropout>(c.number("p"));
    if (type == "flatten") {
      return std::make_unique<ShapeLayer>(
          std::make_shared<nn::Flatten>(static_cast<int>(c.integer("start_dim")),
                                        static_cast<int>(c.integer("end_dim"))),
          nullptr);
    }
    if (type == "reshape") {
      const auto dims = c.integers("shape", c.params()["shape"].size());
      return std::make_unique<ShapeLayer>(
          std::make_shared<nn::Reshape>(Shape(dims.begin(), dims.end())), nullptr);
    }
    if (type == "permute") {
      const auto dims = c.integers("dims", c.params()["dims"].size());
      std::vector<int> order(dims.begin(), dims.end()), inverse(dims.size());
      for (std::size_t k = 0; k < order.size(); ++k) {
        if (order[k] < 0 || order[k] >= static_cast<int>(order.size())) {
          c.fail("'dims' must be a permutation of 0.." + std::to_string(order.size() - 1));
        }
        inverse[static_cast<std::size_t>(order[k])] = static_cast<int>(k);
      }
      return std::make_unique<ShapeLayer>(std::make_shared<nn::Permute>(order),
                                          std::make_shared<nn::Permute>(inverse));
    }
    if (type == "gru") {
      const std::int64_t in = c.integer("input_size"), h = c.integer("hidden_size");
      const std::int64_t layers = c.integer("num_layers");
      const bool bidirectional = c.boolean("bidirectional");
      const double bound = 1.0 / std::sqrt(static_cast<double>(h));
      std::vector<Gru::Direction> weights;
      for (std::int64_t l = 0; l < layers; ++l) {
        for (int d = 0; d < (bidirectional ? 2 : 1); ++d) {
          const std::string suffix = "_l" + std::to_string(l) + (d == 1 ? "_reverse" : "");
          const std::int64_t width = l == 0 ? in : (bidirectional ? 2 : 1) * h;
          Gru::Direction w{take(c, "weight_ih" + suffix, {3 * h, width}, bound),
                           take(c, "weight_hh" + suffix, {3 * h, h}, bound),
                           take(c, "bias_ih" + suffix, {3 * h}, bound, false),
                           take(c, "bias_hh" + suffix, {3 * h}, bound, false)};
          weights.push_back(std::move(w));
        }
      }
      return std::make_unique<Gru>(in, h, layers, bidirectional, std::move(weights));
    }
    if (type == "attention_pooling") {
      const std::int64_t f = c.integer("in_features");
      const double bound = 1.0 / std::sqrt(static_cast<double>(f));
      return std::make_unique<AttentionPooling>(take(c, "score.weight", {1, f}, bound),
                                                take(c, "score.bias", {1}, bound, false));
    }
    // residual
    if (!c.raw().contains("body")) c.fail("missing 'body'");
    std::unique_ptr<Sequence> body = sequence(c.raw()["body"], c.path() + ".body");
    std::unique_ptr<Sequence> shortcut;
    if (c.raw().contains("shortcut"))
      shortcut = sequence(c.raw()["shortcut"], c.path() + ".shortcut");
    return std::make_unique<Residual>(std::move(body), std::move(shortcut));
  }

  WeightStore& store_;
  models::Random& random_;
};

}  // namespace

std::vector<std::string> trainable_types() {
  return kTrainable;
}

TrainableNetwork build_trainable(const Json& description, WeightStore& store,
                                 models::Random& random) {
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
