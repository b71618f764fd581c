// One value per frame describing the shape of the magnitude spectrum: centroid, bandwidth,
// roll-off, flatness.
#include "common.hpp"
#include "mirkit/features/spectral.hpp"

namespace mirkit::features::descriptors {
namespace {

// A one-column feature from a function of the source magnitude.
class SpectralShape final : public Feature {
 public:
  using Compute = std::function<dsp::Vector(const dsp::Matrix& magnitude, const Json& params,
                                            const AnalysisSettings& settings)>;
  SpectralShape(std::string name, Json params, AnalysisSettings settings, Compute compute)
      : name_(std::move(name)),
        params_(std::move(params)),
        settings_(settings),
        compute_(std::move(compute)) {}

  std::vector<std::string> dimension_names() const override { return {name_}; }

  dsp::Matrix compute(AnalysisContext& context) const override {
    return compute_(source_magnitude(context, params_.at("source").get<std::string>()), params_,
                    settings_);
  }

 private:
  std::string name_;
  Json params_;
  AnalysisSettings settings_;
  Compute compute_;
};

FeatureDefinition shape(std::string name, std::string description, std::vector<ParamSpec> specs,
                        SpectralShape::Compute compute) {
  specs.push_back(source_param());
  return {name, std::move(description), "1 column: " + name, schema_of(std::move(specs)),
          [name, compute](const Json& p, const AnalysisSettings& s) {
            return std::make_unique<SpectralShape>(name, p, s, compute);
          }};
}

}  // namespace

FeatureDefinition spectral_centroid_definition() {
  return shape("spectral_centroid", "Magnitude-weighted mean frequency (Hz)", {},
               [](const dsp::Matrix& m, const Json&, const AnalysisSettings& s) {
                 return spectral_centroid(m, s.sample_rate, s.n_fft);
               });
}

FeatureDefinition spectral_bandwidth_definition() {
  return shape("spectral_bandwidth", "Magnitude-weighted p-th moment about the centroid (Hz)",
               {{"p", ParamType::number, 2.0, "order of the moment", 0.1, 10.0}},
               [](const dsp::Matrix& m, const Json& p, const AnalysisSettings& s) {
                 return spectral_bandwidth(m, s.sample_rate, s.n_fft, p.at("p").get<double>());
               });
}

FeatureDefinition spectral_rolloff_definition() {
  return shape(
      "spectral_rolloff", "Frequency below which roll_percent of the magnitude lies (Hz)",
      {{"roll_percent", ParamType::number, 0.85, "fraction of the frame's magnitude", 0.01, 0.99}},
      [](const dsp::Matrix& m, const Json& p, const AnalysisSettings& s) {
        return spectral_rolloff(m, s.sample_rate, s.n_fft, p.at("roll_percent").get<double>());
      });
}

FeatureDefinition spectral_flatness_definition() {
  return shape(
      "spectral_flatness", "Geometric over arithmetic mean of the power spectrum (1 = white noise)",
      {{"power", ParamType::number, 2.0, "exponent applied to the magnitude", 0.1, 10.0},
       {"amin", ParamType::number, 1e-10, "floor before the logarithm", 1e-30, 1.0}},
      [](const dsp::Matrix& m, const Json& p, const AnalysisSettings&) {
        return spectral_flatness(m, p.at("power").get<double>(), p.at("amin").get<double>());
      });
}

}  // namespace mirkit::features::descriptors
