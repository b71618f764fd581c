#include "lane_sums.hpp"

#include "mirkit/core/cpu_dispatch.hpp"

namespace mirkit::features {
namespace {

typedef float FloatLanes __attribute__((vector_size(4 * sizeof(float))));
typedef float UnalignedFloatLanes
    __attribute__((vector_size(4 * sizeof(float)), aligned(4), may_alias));
typedef double DoubleLanes __attribute__((vector_size(4 * sizeof(double))));

__attribute__((always_inline)) inline FloatLanes load(const float* at) {
  return *reinterpret_cast<const UnalignedFloatLanes*>(at);
}

__attribute__((always_inline)) inline double total(const DoubleLanes& sum) {
  return (sum[0] + sum[1]) + (sum[2] + sum[3]);
}

}  // namespace

MIRKIT_TARGET_CLONES
double sum_of_squares(const float* x, std::size_t n) {
  DoubleLanes sum = {};
  std::size_t k = 0;
  for (; k + 4 <= n; k += 4) {
    const DoubleLanes v = __builtin_convertvector(load(x + k), DoubleLanes);
    sum += v * v;
  }
  double result = total(sum);
  for (; k < n; ++k)
    result += static_cast<double>(x[k]) * x[k];
  return result;
}

MIRKIT_TARGET_CLONES
double sum_of_squared_rises(const float* previous, const float* current, std::size_t n) {
  DoubleLanes sum = {};
  const FloatLanes zero = {};
  std::size_t k = 0;
  for (; k + 4 <= n; k += 4) {
    const FloatLanes difference = load(current + k) - load(previous + k);
    const DoubleLanes rise =
        __builtin_convertvector(difference > zero ? difference : zero, DoubleLanes);
    sum += rise * rise;
  }
  double result = total(sum);
  for (; k < n; ++k) {
    const double rise = current[k] > previous[k] ? current[k] - previous[k] : 0.0f;
    result += rise * rise;
  }
  return result;
}

}  // namespace mirkit::features
