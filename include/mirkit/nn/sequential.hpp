// Layers applied one after another: the network's top level and the body of every block.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "mirkit/nn/layer.hpp"

namespace mirkit::nn {

class Sequential : public Layer {
 public:
  struct Entry {
    std::string label;  // "layer 3 (conv2d)": what an error about a bad input shape names
    std::unique_ptr<Layer> layer;
  };

  explicit Sequential(std::vector<Entry> layers) : layers_(std::move(layers)) {}

  Shape output_shape(const Shape& input) const override;
  void forward(const Tensor& in, Tensor& out) const override;

  std::size_t size() const { return layers_.size(); }

 private:
  std::vector<Entry> layers_;
};

}  // namespace mirkit::nn
