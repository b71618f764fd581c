// cqt: the constant-Q magnitude spectrogram, in dB by default.
#include "cqt_common.hpp"
#include "mirkit/dsp/decibel.hpp"

namespace mirkit::features::descriptors {
namespace {

class CqtFeature final : public Feature {
 public:
  CqtFeature(const Json& params, const AnalysisSettings& settings)
      : params_(params), cqt_(settings.sample_rate, settings.hop_length, cqt_options(params)) {}

  std::vector<std::string> dimension_names() const override {
    return numbered_names("cqt", static_cast<int>(cqt_.frequencies().size()));
  }

  dsp::Matrix compute(AnalysisContext& context) const override {
    const dsp::Matrix& magnitude = cqt_magnitude(context, cqt_, params_);
    if (!params_.at("decibels").get<bool>()) return magnitude;
    return context.decibels("cqt_db:" + params_.dump(), magnitude.cwiseAbs2(),
                            dsp::power_options_of_amplitude());
  }

 private:
  Json params_;
  dsp::Cqt cqt_;
};

}  // namespace

FeatureDefinition cqt_definition() {
  std::vector<ParamSpec> specs = cqt_params(12);
  specs.push_back({"decibels", ParamType::boolean, true,
                   "amplitude_to_db (ref 1, amin 1e-5, top_db 80), or magnitude"});
  return {
      "cqt", "Constant-Q transform magnitude (librosa.cqt), octave by octave",
      "n_octaves × bins_per_octave columns: cqt_01 … (lowest first)", schema_of(std::move(specs)),
      [](const Json& p, const AnalysisSettings& s) { return std::make_unique<CqtFeature>(p, s); }};
}

}  // namespace mirkit::features::descriptors
