// spectral_flux: how much the magnitude spectrum grows from one frame to the next.
#include <cmath>

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
    for (Eigen::Index f = 1; f < m.rows(); ++f) {
      double sum = 0.0;
      for (Eigen::Index k = 0; k < m.cols(); ++k) {
        const double rise = std::max(0.0f, m(f, k) - m(f - 1, k));
        sum += rise * rise;
      }
      flux(f, 0) = static_cast<float>(std::sqrt(sum));
    }
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
