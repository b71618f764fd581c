// The layer registry (core/registry.hpp). A new layer is one file pair and one line here.
#include "definitions.hpp"

namespace mirkit::nn {

const LayerRegistry& layer_registry() {
  static const LayerRegistry registry("layer type", [] {
    std::vector<LayerDefinition> all = {
        conv1d_definition(),
        conv2d_definition(),
        batch_norm_definition(),
        linear_definition(),
        dropout_definition(),
        softmax_definition(),
        flatten_definition(),
        reshape_definition(),
        permute_definition(),
        residual_definition(),
        concat_definition(),
        gru_definition(),
        lstm_definition(),
        layer_norm_definition(),
        self_attention_definition(),
        transformer_encoder_definition(),
        attention_pooling_definition(),
        positional_embedding_definition(),
    };
    for (auto group :
         {activation_definitions(), pooling_definitions(), global_pool_definitions()}) {
      all.insert(all.end(), group.begin(), group.end());
    }
    return all;
  }());
  return registry;
}

}  // namespace mirkit::nn
