// spectral_flux: how much the magnitude spectrum grows from one frame to the next.
#include <algorithm>
#include <cmath>

#include "common.hpp"
#include "mirkit/core/cpu_dispatch.hpp"

namespace mirkit::features::descriptors {
namespace {

typedef float FloatLanes __attribute__((vector_size(4 * sizeof(float))));
typedef float UnalignedFloatLanes
    __attribute__((vector_size(4 * sizeof(float)), aligned(4), may_alias));
typedef double DoubleLanes __attribute__((vector_size(4 * sizeof(double))));

// Σ max(0, current − previous)² over n bins, in double: four lanes of partial sums (lane j takes
// the bins k ≡ j mod 4) added pairwise at the end, then the last bins in order — a fixed order,
// so the same bits from both clones, at vector speed instead of one dependent add per bin.
MIRKIT_TARGET_CLONES
double rise_energy(const float* previous, const float* current, std::size_t n) {
  DoubleLanes sum = {};
  std::size_t k = 0;
  for (; k + 4 <= n; k += 4) {
    const FloatLanes difference = *reinterpret_cast<const UnalignedFloatLanes*>(current + k) -
                                  *reinterpret_cast<const UnalignedFloatLanes*>(previous + k);
    const FloatLanes zero = {};
    const DoubleLanes rise =
        __builtin_convertvector(difference > zero ? difference : zero, DoubleLanes);
    sum += rise * rise;
  }
  double total = (sum[0] + sum[1]) + (sum[2] + sum[3]);
  for (; k < n; ++k) {
    const double rise = std::max(0.0f, current[k] - previous[k]);
    total += rise * rise;
  }
  return total;
}

// The L2 norm of the half-wave rectified difference of successive magnitude frames (only the
// bins that grow count: onsets, not decays); the first frame is 0.
class SpectralFlux final : public Feature {
 public:
  explicit SpectralFlux(const Json& params) : params_(params) {}

  std::vector<std::string> dimension_names() const override { return {"spectral_flux"}; }

  dsp::Matrix compute(AnalysisContext& context) const override {
    const dsp::Matrix& m = source_magnitude(context, params_.at("source").get<std::string>());
    dsp::Matrix flux = dsp::Matrix::Zero(m.rows(), 1);
    const auto bins = static_cast<std::size_t>(m.cols());
    for (Eigen::Index f = 1; f < m.rows(); ++f)
      flux(f, 0) =
          static_cast<float>(std::sqrt(rise_energy(m.row(f - 1).data(), m.row(f).data(), bins)));
    return flux;
  }

 private:
  Json params_;
};

}  // namespace

FeatureDefinition spectral_flux_definition() {
  return {"spectral_flux", "L2 norm of the rise of the magnitude spectrum since the previous frame",
          "1 column: spectral_flux", schema_of({source_param()}),
          [](const Json& p, const AnalysisSettings&) { return std::make_unique<SpectralFlux>(p); }};
}

}  // namespace mirkit::features::descriptors
