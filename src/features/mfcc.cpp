#include "mirkit/features/mfcc.hpp"

#include <cmath>
#include <numbers>

#include "mirkit/core/error.hpp"
#include "mirkit/dsp/dct.hpp"

namespace mirkit::features {

dsp::Matrix mfcc(const dsp::Matrix& mel_db, int n_mfcc, int lifter) {
  const auto mels = static_cast<int>(mel_db.cols());
  if (n_mfcc < 1 || n_mfcc > mels) {
    throw usage_error("n_mfcc must be between 1 and the number of mel bands (" +
                      std::to_string(mels) + ")");
  }
  if (lifter < 0) throw usage_error("lifter must be ≥ 0");
  dsp::MatrixD basis = dsp::dct2_ortho(mels, n_mfcc);
  if (lifter > 0) {
    for (int k = 0; k < n_mfcc; ++k) {
      basis.row(k) *= 1.0 + 0.5 * lifter * std::sin(std::numbers::pi * (k + 1) / lifter);
    }
  }
  // In double: c0 of silence is −100·√128 ≈ −1131, and float sums would lose the small terms.
  const dsp::MatrixD result = mel_db.cast<double>() * basis.transpose();
  return result.cast<float>();
}

}  // namespace mirkit::features
