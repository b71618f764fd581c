#include "mirkit/nn/global_pool.hpp"

#include "definitions.hpp"
#include "mirkit/core/error.hpp"
#include "train/factories.hpp"

namespace mirkit::nn {

Shape GlobalPool::output_shape(const Shape& input) const {
  if (input.size() < 3) throw Error("expects (N, C, ...), got " + to_string(input));
  return {input[0], input[1]};
}

void GlobalPool::forward(const Tensor& in, Tensor& out) const {
  out.resize(output_shape(in.shape()));
  const std::int64_t rows = in.dim(0) * in.dim(1);
  const auto source = in.matrix(rows, in.size() / rows);
  auto target = out.matrix(rows, 1);
  if (kind_ == PoolKind::max) {
    target = source.rowwise().maxCoeff();
  } else {
    target = source.rowwise().mean();
  }
}

std::vector<LayerDefinition> global_pool_definitions() {
  return {{"global_avg_pool",
           "mean over every axis after the channels: (N, C, ...) → (N, C)",
           {},
           {},
           [](const LoadContext&) -> std::unique_ptr<Layer> {
             return std::make_unique<GlobalPool>(PoolKind::average);
           },
           train::trainable_global_pool(false)},
          {"global_max_pool",
           "maximum over every axis after the channels: (N, C, ...) → (N, C)",
           {},
           {},
           [](const LoadContext&) -> std::unique_ptr<Layer> {
             return std::make_unique<GlobalPool>(PoolKind::max);
           },
           train::trainable_global_pool(true)}};
}

}  // namespace mirkit::nn
