// Channel pruning of a network model file: each plain conv → (batch norm, activation, pooling,
// dropout)* → reader chain loses its weakest output channels (see prune.hpp).
#include "mirkit/nn/prune.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <set>

#include "mirkit/core/error.hpp"

namespace mirkit::nn {
namespace {

// Layers that keep each channel apart: channel c of their output depends on channel c of their
// input alone, so a channel removed before them is simply absent after them.
const std::set<std::string>& channel_wise_types() {
  static const std::set<std::string> types = {"relu",       "leaky_relu", "elu",       "gelu",
                                              "sigmoid",    "tanh",       "dropout",   "max_pool1d",
                                              "max_pool2d", "avg_pool1d", "avg_pool2d"};
  return types;
}

bool is_convolution(const std::string& type) {
  return type == "conv1d" || type == "conv2d";
}

// The layers a convolution's channels pass through, ending at the one that reads them.
struct Chain {
  int conv = 0;
  std::vector<int> norms;  // batch norms over the channels (before or after global pooling)
  int reader = -1;         // the next convolution or the linear layer
  std::int64_t columns_per_channel = 1;  // linear after flatten: a channel's block of inputs
  std::string refusal;                   // why the convolution is kept whole, if it is
};

std::string type_of(const Json& layer) {
  return layer.value("type", std::string());
}

Chain trace_chain(const Json& layers, int conv) {
  Chain chain;
  chain.conv = conv;
  const Json& c = layers[static_cast<std::size_t>(conv)];
  if (c.value("groups", 1) != 1) {
    chain.refusal = "a grouped convolution";
    return chain;
  }
  const std::int64_t channels = c.at("out_channels").get<std::int64_t>();
  bool pooled = false;  // after global pooling: (N, C)
  bool flat = false;    // after flatten: (N, C · positions)
  for (int j = conv + 1; j < static_cast<int>(layers.size()); ++j) {
    const Json& layer = layers[static_cast<std::size_t>(j)];
    const std::string type = type_of(layer);
    if (type == "batch_norm" && !flat) {
      chain.norms.push_back(j);
    } else if (channel_wise_types().count(type)) {
      if (flat && type != "dropout" && type.find("pool") != std::string::npos) break;
    } else if (type == "global_avg_pool" || type == "global_max_pool") {
      if (pooled || flat) break;
      pooled = true;
    } else if (type == "flatten") {
      if (pooled || flat || layer.value("start_dim", 1) != 1 || layer.value("end_dim", -1) != -1)
        break;
      flat = true;
    } else if (is_convolution(type) && !pooled && !flat) {
      if (type != type_of(c) || layer.value("groups", 1) != 1) break;
      chain.reader = j;
      return chain;
    } else if (type == "linear" && (pooled || flat)) {
      const std::int64_t inputs = layer.at("in_features").get<std::int64_t>();
      if (inputs % channels != 0) break;
      chain.columns_per_channel = inputs / channels;
      chain.reader = j;
      return chain;
    } else {
      chain.refusal = "its channels go into layer " + std::to_string(j) + " (" + type + ")";
      return chain;
    }
  }
  if (chain.refusal.empty()) chain.refusal = "no layer after it reads its channels plainly";
  return chain;
}

// The tensor `name` with only `keep` along `axis` (every other axis whole).
void select(io::TensorFile& file, const std::string& name, int axis,
            const std::vector<std::int64_t>& keep) {
  const auto found = file.tensors.find(name);
  if (found == file.tensors.end()) return;  // an optional tensor (bias = false)
  io::Tensor& tensor = found->second;
  const std::vector<float> values = tensor.to_floats(name);
  std::vector<std::int64_t> shape = tensor.shape;
  std::int64_t outer = 1, inner = 1;
  for (int a = 0; a < axis; ++a)
    outer *= shape[static_cast<std::size_t>(a)];
  for (std::size_t a = static_cast<std::size_t>(axis) + 1; a < shape.size(); ++a)
    inner *= shape[a];
  const std::int64_t extent = shape[static_cast<std::size_t>(axis)];
  std::vector<float> out;
  out.reserve(static_cast<std::size_t>(outer * static_cast<std::int64_t>(keep.size()) * inner));
  for (std::int64_t o = 0; o < outer; ++o) {
    for (const std::int64_t k : keep) {
      const float* from = values.data() + (o * extent + k) * inner;
      out.insert(out.end(), from, from + inner);
    }
  }
  shape[static_cast<std::size_t>(axis)] = static_cast<std::int64_t>(keep.size());
  tensor = io::Tensor::from_floats(shape, out);
}

// Each channel's magnitude: the first batch norm's |scale|, or the filter's L1 norm.
std::vector<double> magnitudes(const io::TensorFile& file, const Chain& chain,
                               std::int64_t channels, std::string& ranked_by) {
  std::vector<double> m(static_cast<std::size_t>(channels), 0.0);
  const auto tensor = [&](const std::string& name) -> const io::Tensor* {
    const auto found = file.tensors.find(name);
    return found == file.tensors.end() ? nullptr : &found->second;
  };
  if (!chain.norms.empty()) {
    if (const io::Tensor* scale = tensor(std::to_string(chain.norms.front()) + ".weight")) {
      const std::vector<float> values = scale->to_floats();
      for (std::int64_t c = 0; c < channels; ++c)
        m[static_cast<std::size_t>(c)] = std::abs(values[static_cast<std::size_t>(c)]);
      ranked_by = "batch_norm_scale";
      return m;
    }
  }
  const std::string name = std::to_string(chain.conv) + ".weight";
  const io::Tensor* weight = tensor(name);
  if (weight == nullptr) throw Error(name + ": the convolution's weight is missing");
  const std::vector<float> values = weight->to_floats(name);
  const std::size_t per_filter = values.size() / static_cast<std::size_t>(channels);
  for (std::size_t c = 0; c < m.size(); ++c) {
    for (std::size_t k = 0; k < per_filter; ++k)
      m[c] += std::abs(values[c * per_filter + k]);
  }
  ranked_by = "filter_l1";
  return m;
}

// The `keep` largest, in their original order (ties: the earlier channel stays).
std::vector<std::int64_t> strongest(const std::vector<double>& magnitude, std::size_t keep) {
  std::vector<std::int64_t> order(magnitude.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::int64_t a, std::int64_t b) {
    return magnitude[static_cast<std::size_t>(a)] > magnitude[static_cast<std::size_t>(b)];
  });
  order.resize(keep);
  std::sort(order.begin(), order.end());
  return order;
}

std::int64_t parameter_count(const io::TensorFile& file) {
  std::int64_t total = 0;
  for (const auto& [name, tensor] : file.tensors)
    total += tensor.elements();
  return total;
}

}  // namespace

Json PruneReport::to_json() const {
  Json out = {{"parameters_before", parameters_before},
              {"parameters_after", parameters_after},
              {"pruned", Json::array()},
              {"kept_whole", Json::array()}};
  for (const PrunedLayer& p : pruned) {
    out["pruned"].push_back({{"layer", p.layer},
                             {"channels_before", p.before},
                             {"channels_after", p.after},
                             {"ranked_by", p.ranked_by}});
  }
  for (const KeptLayer& k : kept)
    out["kept_whole"].push_back({{"layer", k.layer}, {"reason", k.reason}});
  return out;
}

io::TensorFile prune_channels(const io::TensorFile& model, double fraction,
                              const std::string& where, PruneReport& report) {
  if (!(fraction >= 0.0 && fraction < 1.0)) {
    throw usage_error(where + ": the fraction of channels to remove must be in [0, 1), got " +
                      std::to_string(fraction));
  }
  if (model.metadata.value("kind", std::string()) != "nn" || !model.metadata.contains("network") ||
      !model.metadata["network"].contains("layers")) {
    throw usage_error(where + " is not a neural-network model file");
  }
  io::TensorFile out = model;
  Json& layers = out.metadata["network"]["layers"];
  report = PruneReport{};
  report.parameters_before = parameter_count(model);
  for (int i = 0; i < static_cast<int>(layers.size()); ++i) {
    if (!is_convolution(type_of(layers[static_cast<std::size_t>(i)]))) continue;
    const Chain chain = trace_chain(layers, i);
    if (chain.reader < 0) {
      report.kept.push_back({i, chain.refusal});
      continue;
    }
    Json& conv = layers[static_cast<std::size_t>(i)];
    const std::int64_t channels = conv.at("out_channels").get<std::int64_t>();
    const auto keep = static_cast<std::size_t>(std::max<std::int64_t>(
        1, channels - std::llround(fraction * static_cast<double>(channels))));
    std::string ranked_by;
    const std::vector<std::int64_t> kept =
        strongest(magnitudes(out, chain, channels, ranked_by), keep);
    const std::string prefix = std::to_string(i) + ".";
    select(out, prefix + "weight", 0, kept);
    select(out, prefix + "bias", 0, kept);
    conv["out_channels"] = keep;
    for (const int n : chain.norms) {
      for (const char* tensor : {"weight", "bias", "running_mean", "running_var"})
        select(out, std::to_string(n) + "." + tensor, 0, kept);
      layers[static_cast<std::size_t>(n)]["num_features"] = keep;
    }
    Json& reader = layers[static_cast<std::size_t>(chain.reader)];
    const std::string reader_weight = std::to_string(chain.reader) + ".weight";
    if (is_convolution(type_of(reader))) {
      select(out, reader_weight, 1, kept);
      reader["in_channels"] = keep;
    } else {
      std::vector<std::int64_t> columns;
      for (const std::int64_t c : kept) {
        for (std::int64_t k = 0; k < chain.columns_per_channel; ++k)
          columns.push_back(c * chain.columns_per_channel + k);
      }
      select(out, reader_weight, 1, columns);
      reader["in_features"] = static_cast<std::int64_t>(columns.size());
    }
    report.pruned.push_back({i, channels, static_cast<std::int64_t>(keep), ranked_by});
  }
  report.parameters_after = parameter_count(out);
  Json record = report.to_json();
  record["fraction"] = fraction;
  out.metadata["pruning"] = record;
  return out;
}

}  // namespace mirkit::nn
