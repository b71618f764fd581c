#include "mirkit/nn/residual.hpp"

#include "definitions.hpp"
#include "mirkit/core/error.hpp"
#include "train/factories.hpp"

namespace mirkit::nn {

Shape Residual::output_shape(const Shape& input) const {
  const Shape body = body_->output_shape(input);
  const Shape shortcut = shortcut_ ? shortcut_->output_shape(input) : input;
  if (body != shortcut) {
    throw Error("body gives " + to_string(body) + " but the shortcut gives " + to_string(shortcut));
  }
  return body;
}

void Residual::forward(const Tensor& in, Tensor& out) const {
  output_shape(in.shape());
  body_->forward(in, out);
  auto sum = out.matrix(1, out.size());
  if (shortcut_) {
    Tensor skip;
    shortcut_->forward(in, skip);
    sum += skip.matrix(1, skip.size());
  } else {
    sum += in.matrix(1, in.size());
  }
  if (activation_) activation_->apply(out.values());
}

bool Residual::absorb_activation(const Activation& activation) {
  if (activation_) return false;
  activation_ = activation;
  return true;
}

LayerDefinition residual_definition() {
  return {"residual",
          "out = body(x) + shortcut(x); 'body' and optional 'shortcut' are layer lists",
          {},
          {"body", "shortcut"},
          [](const LoadContext& context) -> std::unique_ptr<Layer> {
            if (!context.raw().contains("body")) context.fail("missing 'body'");
            std::unique_ptr<Layer> body = context.sequence(context.raw()["body"], "body");
            std::unique_ptr<Layer> shortcut;
            if (context.raw().contains("shortcut")) {
              shortcut = context.sequence(context.raw()["shortcut"], "shortcut");
            }
            return std::make_unique<Residual>(std::move(body), std::move(shortcut));
          },
          train::trainable_residual};
}

}  // namespace mirkit::nn
