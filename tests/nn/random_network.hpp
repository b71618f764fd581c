// Random inputs and weights for the network tests: normal noise, and batch norms whose running
// statistics are away from the identity (so that folding and slicing them is exercised).
#pragma once

#include <cstdint>

#include "../../src/core/random.hpp"
#include "../../src/nn/train/builder.hpp"
#include "mirkit/nn/tensor.hpp"

namespace mirkit::test {

inline nn::Tensor normal_tensor(const nn::Shape& shape, std::uint64_t seed) {
  nn::Tensor t(shape);
  Random random(seed);
  for (float& v : t.values())
    v = static_cast<float>(random.normal());
  return t;
}

// Running means N(0, 0.3²), running variances uniform in [0.5, 1.5).
inline void randomise_statistics(nn::train::TrainableNetwork& net, std::uint64_t seed = 8) {
  Random stats(seed);
  for (nn::train::Buffer& b : net.buffers) {
    for (float& v : b.value->values())
      v = b.name.ends_with("running_var") ? static_cast<float>(0.5 + stats.uniform())
                                          : static_cast<float>(stats.normal() * 0.3);
  }
}

}  // namespace mirkit::test
