#include "layers.hpp"

namespace mirkit::nn::train {

Parameter make_parameter(std::string name, const Shape& shape, bool decay) {
  Parameter p;
  p.name = std::move(name);
  p.value = std::make_shared<Tensor>(shape);
  p.grad = Tensor(shape);
  p.decay = decay;
  return p;
}

Parameter fresh_copy(const Parameter& p) {
  Parameter copy;
  copy.name = p.name;
  copy.value = p.value;
  copy.grad = Tensor(p.value->shape());
  copy.decay = p.decay;
  copy.frozen = p.frozen;
  return copy;
}

}  // namespace mirkit::nn::train
