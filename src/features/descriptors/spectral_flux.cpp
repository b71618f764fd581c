// spectral_flux: how much the magnitude spectrum grows from one frame to the next.
#include <cmath>

#include "../lane_sums.hpp"
#include "common.hpp"

namespace mirkit::features::descriptors {
namespace {

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
      flux(f, 0) = static_cast<float>(
          std::sqrt(sum_of_squared_rises(m.row(f - 1).data(), m.row(f).data(), bins)));
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
