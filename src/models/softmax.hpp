// Numerically safe softmax and log-sum-exp (shift by the maximum first).
#pragma once

#include <cmath>

#include "mirkit/dsp/matrix.hpp"

namespace mirkit::models {

template <typename Row>
double log_sum_exp(const Row& v) {
  const double top = v.maxCoeff();
  if (!std::isfinite(top)) return top;
  return top + std::log((v.array() - top).exp().sum());
}

template <typename Row>
Eigen::RowVectorXd softmax(const Row& v) {
  const double top = v.maxCoeff();
  Eigen::RowVectorXd e = (v.array() - top).exp().matrix();
  return e / e.sum();
}

}  // namespace mirkit::models
