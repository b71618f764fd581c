#include "mirkit/nn/linear.hpp"

#include "definitions.hpp"
#include "mirkit/core/error.hpp"
#include "train/factories.hpp"

namespace mirkit::nn {

Linear::Linear(const Tensor& weight, const Tensor& bias)
    : weight_t_(weight.matrix(weight.dim(0), weight.dim(1)).transpose()) {
  bias_ =
      bias.size() == 0
          ? Eigen::RowVectorXf::Zero(weight.dim(0))
          : Eigen::RowVectorXf(Eigen::Map<const Eigen::RowVectorXf>(bias.data(), weight.dim(0)));
}

Shape Linear::output_shape(const Shape& input) const {
  if (input.size() < 2 || input.back() != in_features()) {
    throw Error("expects (..., " + std::to_string(in_features()) + "), got " + to_string(input));
  }
  Shape out = input;
  out.back() = out_features();
  return out;
}

void Linear::apply(ConstMatrixMap in, MatrixMap out) const {
  out.noalias() = in * weight_t_;
  out.rowwise() += bias_;
}

void Linear::forward(const Tensor& in, Tensor& out) const {
  out.resize(output_shape(in.shape()));
  const std::int64_t rows = in.size() / in_features();
  apply(in.matrix(rows, in_features()), out.matrix(rows, out_features()));
}

LayerDefinition linear_definition() {
  return {"linear",
          "y = x Wᵀ + b on the last axis (torch.nn.Linear)",
          {{"in_features", ParamType::integer, nullptr, "input size", 1},
           {"out_features", ParamType::integer, nullptr, "output size", 1},
           {"bias", ParamType::boolean, true, "whether the file holds a bias"}},
          {},
          [](const LoadContext& context) -> std::unique_ptr<Layer> {
            const std::int64_t in = context.integer("in_features");
            const std::int64_t out = context.integer("out_features");
            return std::make_unique<Linear>(
                context.weight("weight", {out, in}),
                context.boolean("bias") ? context.weight("bias", {out}) : Tensor());
          },
          train::trainable_linear};
}

}  // namespace mirkit::nn
