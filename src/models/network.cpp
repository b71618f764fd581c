// "network": a neural network trained natively (nn::train_network) from a recipe's "network",
// "training", "augment" and "fine_tune" sections. It is listed with the other models so that
// `mirkit list models` and the commands' capability checks treat it as one of them.
#include "mirkit/models/registry.hpp"
#include "mirkit/nn/training.hpp"

namespace mirkit::models {

ClassifierDefinition network_definition() {
  ClassifierDefinition d;
  d.name = "network";
  d.description =
      "a neural network (CNN, CRNN, …) trained natively from a JSON recipe with \"model\": "
      "\"network\" and its \"network\" description (configs/models/cnn.json, crnn.json; "
      "docs/training.md)";
  d.input = InputKind::windows;
  d.supports_class_weights = true;
  d.records_learning_curves = true;  // loss and validation accuracy per epoch
  // The recipe's settings, section by section ("training.epochs", …), as `mirkit list` shows them.
  for (const nn::NetworkRecipeSection& section : nn::network_recipe_sections()) {
    for (ParamSpec spec : section.declaration->specs()) {
      spec.name = section.name + "." + spec.name;
      d.params.add(std::move(spec));
    }
  }
  return d;
}

}  // namespace mirkit::models
