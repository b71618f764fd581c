#include "mirkit/nn/dropout.hpp"

#include "definitions.hpp"
#include "train/factories.hpp"

namespace mirkit::nn {

LayerDefinition dropout_definition() {
  return {"dropout",
          "identity at inference (torch.nn.Dropout in eval mode)",
          {{"p", ParamType::number, 0.5, "drop probability during training (unused here)", 0, 1}},
          {},
          [](const LoadContext&) -> std::unique_ptr<Layer> { return std::make_unique<Dropout>(); },
          train::trainable_dropout};
}

}  // namespace mirkit::nn
