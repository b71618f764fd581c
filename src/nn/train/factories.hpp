// Internal: the training forms of the nn layers, each named by its layer's definition
// (LayerDefinition::create_trainable in src/nn/<layer>.cpp) and defined beside the training
// layer it makes (src/nn/train/<layer>.cpp). Each reads the entry as the inference form does and
// takes or initialises its tensors through the Builder, so a trained network loads back as the
// inference network it was described as.
#pragma once

#include <memory>

#include "builder.hpp"

namespace mirkit::nn::train {

std::unique_ptr<TrainLayer> trainable_conv1d(const LoadContext& context, Builder& builder);
std::unique_ptr<TrainLayer> trainable_conv2d(const LoadContext& context, Builder& builder);
std::unique_ptr<TrainLayer> trainable_batch_norm(const LoadContext& context, Builder& builder);
std::unique_ptr<TrainLayer> trainable_linear(const LoadContext& context, Builder& builder);
// `parameter`: the entry's number that shapes it ("negative_slope", "alpha"), or none.
TrainableFactory trainable_activation(ActivationType type, const char* parameter = nullptr);
std::unique_ptr<TrainLayer> trainable_softmax(const LoadContext& context, Builder& builder);
TrainableFactory trainable_pooling(PoolKind kind, bool one_dimensional);
TrainableFactory trainable_global_pool(bool max);
std::unique_ptr<TrainLayer> trainable_dropout(const LoadContext& context, Builder& builder);
std::unique_ptr<TrainLayer> trainable_flatten(const LoadContext& context, Builder& builder);
std::unique_ptr<TrainLayer> trainable_reshape(const LoadContext& context, Builder& builder);
std::unique_ptr<TrainLayer> trainable_permute(const LoadContext& context, Builder& builder);
// gru (3 gates) or lstm (4).
std::unique_ptr<TrainLayer> trainable_gru(const LoadContext& context, Builder& builder);
std::unique_ptr<TrainLayer> trainable_lstm(const LoadContext& context, Builder& builder);
std::unique_ptr<TrainLayer> trainable_attention_pooling(const LoadContext& context,
                                                        Builder& builder);
std::unique_ptr<TrainLayer> trainable_residual(const LoadContext& context, Builder& builder);
std::unique_ptr<TrainLayer> trainable_concat(const LoadContext& context, Builder& builder);
std::unique_ptr<TrainLayer> trainable_layer_norm(const LoadContext& context, Builder& builder);
std::unique_ptr<TrainLayer> trainable_positional_embedding(const LoadContext& context,
                                                           Builder& builder);
std::unique_ptr<TrainLayer> trainable_self_attention(const LoadContext& context, Builder& builder);
std::unique_ptr<TrainLayer> trainable_transformer_encoder(const LoadContext& context,
                                                          Builder& builder);

}  // namespace mirkit::nn::train
