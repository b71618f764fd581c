// The layer registry (core/registry.hpp). A new layer is one file pair (its LayerDefinition) and
// two lines here: its declaration and its place in the list.
#include "definitions.hpp"

namespace mirkit::nn {

LayerDefinition conv1d_definition();
LayerDefinition conv2d_definition();
LayerDefinition batch_norm_definition();
std::vector<LayerDefinition> activation_definitions();
LayerDefinition softmax_definition();
std::vector<LayerDefinition> pooling_definitions();
std::vector<LayerDefinition> global_pool_definitions();
LayerDefinition linear_definition();
LayerDefinition dropout_definition();
LayerDefinition flatten_definition();
LayerDefinition reshape_definition();
LayerDefinition permute_definition();
LayerDefinition residual_definition();
LayerDefinition concat_definition();
LayerDefinition gru_definition();
LayerDefinition lstm_definition();
LayerDefinition layer_norm_definition();
LayerDefinition self_attention_definition();
LayerDefinition transformer_encoder_definition();
LayerDefinition attention_pooling_definition();
LayerDefinition positional_embedding_definition();

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
