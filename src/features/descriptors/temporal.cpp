// Time-domain frame features: zero-crossing rate and RMS energy.
#include "mirkit/features/temporal.hpp"

#include "common.hpp"

namespace mirkit::features::descriptors {
namespace {

class ZeroCrossingRate final : public Feature {
 public:
  explicit ZeroCrossingRate(const AnalysisSettings& settings) : settings_(settings) {}
  std::vector<std::string> dimension_names() const override { return {"zcr"}; }
  dsp::Matrix compute(AnalysisContext& context) const override {
    return zero_crossing_rate(context.signal(), settings_.n_fft, settings_.hop_length);
  }

 private:
  AnalysisSettings settings_;
};

class Rms final : public Feature {
 public:
  Rms(const Json& params, const AnalysisSettings& settings)
      : params_(params), settings_(settings) {}
  std::vector<std::string> dimension_names() const override { return {"rms"}; }
  dsp::Matrix compute(AnalysisContext& context) const override {
    if (params_.at("from") == "spectrogram") return rms_from_magnitude(context.magnitude());
    return rms(context.signal(), settings_.n_fft, settings_.hop_length);
  }

 private:
  Json params_;
  AnalysisSettings settings_;
};

}  // namespace

FeatureDefinition zcr_definition() {
  return {"zcr", "Zero-crossing rate: the fraction of sign changes in each frame (n_fft samples)",
          "1 column: zcr", ParamSchema{}, [](const Json&, const AnalysisSettings& s) {
            return std::make_unique<ZeroCrossingRate>(s);
          }};
}

FeatureDefinition rms_definition() {
  return {"rms", "Root-mean-square energy of each frame", "1 column: rms",
          schema_of({{"from",
                      ParamType::string,
                      "signal",
                      "the waveform (librosa rms(y=)), or the windowed STFT by Parseval (rms(S=))",
                      {},
                      {},
                      {"signal", "spectrogram"}}}),
          [](const Json& p, const AnalysisSettings& s) { return std::make_unique<Rms>(p, s); }};
}

}  // namespace mirkit::features::descriptors
