// spectral_contrast: peak-minus-valley of octave bands (Jiang et al. 2002), in dB.
#include <cmath>

#include "common.hpp"
#include "mirkit/core/error.hpp"
#include "mirkit/features/spectral.hpp"

namespace mirkit::features::descriptors {
namespace {

class SpectralContrast final : public Feature {
 public:
  SpectralContrast(const Json& params, const AnalysisSettings& settings)
      : params_(params), settings_(settings) {
    options_.fmin = params.at("fmin").get<double>();
    options_.n_bands = params.at("n_bands").get<int>();
    options_.quantile = params.at("quantile").get<double>();
    if (options_.fmin * std::pow(2.0, options_.n_bands - 1) >= settings.sample_rate / 2.0) {
      throw usage_error(
          "spectral_contrast: fmin · 2^(n_bands − 1) must stay below the Nyquist rate");
    }
  }

  std::vector<std::string> dimension_names() const override {
    return numbered_names("spectral_contrast", options_.n_bands + 1, 0);
  }

  bool needs_spectrum_in_double() const override {
    return params_.at("source").get<std::string>() == "full";
  }

  dsp::Matrix compute(AnalysisContext& context) const override {
    // A band's valley is its quietest 2 %: on tones, and in the top band of resampled audio,
    // the float FFT's rounding floor, up to 15 dB off librosa's double one (golden README). The
    // whole clip's STFT is therefore taken in double (needs_spectrum_in_double); HPSS parts are
    // float as they are.
    const std::string source = params_.at("source").get<std::string>();
    const ContrastBands bands = spectral_contrast_bands(
        source == "full" ? context.magnitude_in_double() : source_magnitude(context, source),
        settings_.sample_rate, settings_.n_fft, options_);
    // As spectral_contrast(), each in decibels clipped over the whole clip.
    const std::string key = "spectral_contrast:" + params_.dump();
    return context.decibels(key + ":peak", bands.peak, {}) -
           context.decibels(key + ":valley", bands.valley, {});
  }

 private:
  Json params_;
  AnalysisSettings settings_;
  ContrastOptions options_;
};

}  // namespace

FeatureDefinition spectral_contrast_definition() {
  return {
      "spectral_contrast", "Peak minus valley (dB) in octave bands above fmin, plus the band below",
      "n_bands + 1 columns: spectral_contrast_00 … (lowest band first)",
      schema_of({{"fmin", ParamType::number, 200.0, "upper edge of the lowest band (Hz)", 1.0, {}},
                 {"n_bands", ParamType::integer, 6, "octave bands above fmin", 1, 20},
                 {"quantile", ParamType::number, 0.02,
                  "fraction of a band averaged as peak / valley", 0.001, 0.5},
                 source_param()}),
      [](const Json& p, const AnalysisSettings& s) {
        return std::make_unique<SpectralContrast>(p, s);
      }};
}

}  // namespace mirkit::features::descriptors
