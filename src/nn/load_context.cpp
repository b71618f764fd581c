#include <algorithm>

#include "definitions.hpp"
#include "mirkit/core/error.hpp"
#include "mirkit/core/json_value.hpp"
#include "mirkit/nn/activation.hpp"
#include "mirkit/nn/batch_norm.hpp"
#include "mirkit/nn/sequential.hpp"

namespace mirkit::nn {
namespace {

Shape to_shape(const std::vector<std::int64_t>& dims) {
  return Shape(dims.begin(), dims.end());
}

// A network file's unknown layer is an error of that input, named by where it stands.
const LayerDefinition& find_layer(const std::string& type, const std::string& where) {
  if (const LayerDefinition* definition = layer_registry().find(type)) return *definition;
  throw Error(where + ": " + unknown_name_message("layer type", type, layer_registry().names()));
}

}  // namespace

LoadContext::LoadContext(Json params, Json raw, std::string path, std::string type,
                         WeightStore& store)
    : params_(std::move(params)),
      raw_(std::move(raw)),
      path_(std::move(path)),
      type_(std::move(type)),
      store_(&store) {}

std::string LoadContext::where() const {
  return store_->file + ": " + label();
}

std::string LoadContext::label() const {
  std::string out = "layer " + path_ + " (" + type_;
  if (raw_.is_object() && raw_.contains("name") && raw_["name"].is_string()) {
    out += " '" + raw_["name"].get<std::string>() + "'";
  }
  return out + ")";
}

void LoadContext::fail(const std::string& cause) const {
  throw Error(where() + ": " + cause);
}

namespace {
const Json& required(const Json& params, const std::string& key, const LoadContext& context) {
  if (!params.contains(key) || params[key].is_null()) context.fail("missing '" + key + "'");
  return params[key];
}
}  // namespace

bool LoadContext::given(const std::string& key) const {
  return params_.contains(key) && !params_[key].is_null();
}

std::int64_t LoadContext::integer(const std::string& key) const {
  return required(params_, key, *this).get<std::int64_t>();
}

double LoadContext::number(const std::string& key) const {
  return required(params_, key, *this).get<double>();
}

bool LoadContext::boolean(const std::string& key) const {
  return required(params_, key, *this).get<bool>();
}

std::string LoadContext::string(const std::string& key) const {
  return required(params_, key, *this).get<std::string>();
}

std::vector<std::int64_t> LoadContext::integers(const std::string& key, std::size_t count) const {
  const Json& list = required(params_, key, *this);
  if (list.size() != count) {
    fail("'" + key + "' must have " + std::to_string(count) + " elements, got " + list.dump());
  }
  std::vector<std::int64_t> out;
  for (const Json& v : list) {
    // In range before the conversion, which was undefined past int64 (found by fuzzing:
    // docs/fuzzing.md).
    const auto integer = exact_integer<std::int64_t>(v);
    if (!integer)
      fail("'" + key + "' must hold whole numbers of a sensible size, got " + list.dump());
    out.push_back(*integer);
  }
  return out;
}

bool LoadContext::has_weight(const std::string& name) const {
  return store_->tensors.count(path_ + "." + name) > 0;
}

Tensor LoadContext::weight(const std::string& name, const Shape& shape) const {
  const std::string full = path_ + "." + name;
  const auto found = store_->tensors.find(full);
  if (found == store_->tensors.end()) fail("missing tensor '" + full + "'");
  const io::Tensor& tensor = found->second;
  if (tensor.dtype != io::DType::f32) {
    fail("tensor '" + full + "' is " + io::to_string(tensor.dtype) + ", expected F32");
  }
  const Shape stored = to_shape(tensor.shape);
  if (stored != shape) {
    fail("tensor '" + full + "' has shape " + to_string(stored) + ", expected " + to_string(shape));
  }
  store_->taken.insert(full);
  return Tensor(stored, tensor.to_floats(full));
}

std::unique_ptr<Layer> LoadContext::sequence(const Json& list, const std::string& key) const {
  return build_sequence(list, path_ + "." + key, *store_);
}

LoadContext LoadContext::child(const std::string& name) const {
  return LoadContext(params_, raw_, path_ + "." + name, type_, *store_);
}

void for_each_layer(const Json& list, const std::string& prefix, WeightStore& store,
                    const FindLayer& find,
                    const std::function<void(const LayerDefinition&, const LoadContext&)>& visit) {
  const std::string list_where = store.file + ": " + (prefix.empty() ? "layers" : prefix);
  if (!list.is_array()) throw Error(list_where + ": must be a list of layers");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const Json& entry = list[i];
    const std::string path = (prefix.empty() ? "" : prefix + ".") + std::to_string(i);
    const std::string where = store.file + ": layer " + path;
    if (!entry.is_object() || !entry.contains("type") || !entry["type"].is_string()) {
      throw Error(where + ": must be an object with a string 'type'");
    }
    const std::string type = entry["type"].get<std::string>();
    const LayerDefinition& definition = find(type, where);
    std::vector<std::string> passthrough = {"type", "name"};
    passthrough.insert(passthrough.end(), definition.sublayers.begin(), definition.sublayers.end());
    Json params;
    try {
      params = definition.params.resolve(entry, where + " (" + type + ")", passthrough);
    } catch (const Error& error) {
      throw Error(error.cause());  // a model file is an input, not a usage error
    }
    visit(definition, LoadContext(params, entry, path, type, store));
  }
}

std::unique_ptr<Layer> build_sequence(const Json& list, const std::string& prefix,
                                      WeightStore& store) {
  std::vector<Sequential::Entry> entries;
  const auto visit = [&](const LayerDefinition& definition, const LoadContext& context) {
    std::unique_ptr<Layer> layer = definition.create(context);
    // An inference-time batch norm right after a convolution folds into its weights.
    if (const auto* norm = dynamic_cast<const BatchNorm*>(layer.get()); norm && !entries.empty()) {
      if (entries.back().layer->absorb_channel_affine(norm->scale(), norm->shift())) return;
    }
    if (const auto* activation = dynamic_cast<const Activation*>(layer.get());
        activation && !entries.empty()) {
      if (entries.back().layer->absorb_activation(*activation)) return;
    }
    entries.push_back({context.label(), std::move(layer)});
  };
  for_each_layer(list, prefix, store, find_layer, visit);
  return std::make_unique<Sequential>(std::move(entries));
}

}  // namespace mirkit::nn
