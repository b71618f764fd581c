#include "mirkit/dsp/dct.hpp"

#include <cmath>
#include <numbers>

namespace mirkit::dsp {

MatrixD dct2_ortho(int n_in, int n_out) {
  MatrixD basis(n_out, n_in);
  const double scale = std::sqrt(2.0 / n_in);
  for (int k = 0; k < n_out; ++k) {
    const double row_scale = k == 0 ? scale / std::sqrt(2.0) : scale;
    for (int n = 0; n < n_in; ++n) {
      basis(k, n) = row_scale * std::cos(std::numbers::pi * k * (2 * n + 1) / (2.0 * n_in));
    }
  }
  return basis;
}

}  // namespace mirkit::dsp
