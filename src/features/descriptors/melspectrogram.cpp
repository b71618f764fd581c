// melspectrogram: the log-power (or power) mel spectrogram itself, for frame-sequence models.
#include "common.hpp"
#include "mirkit/dsp/filterbank.hpp"

namespace mirkit::features::descriptors {
namespace {

class MelSpectrogram final : public Feature {
 public:
  MelSpectrogram(const Json& params, const AnalysisSettings& settings)
      : params_(params),
        filters_(dsp::mel_filterbank(settings.sample_rate, settings.n_fft,
                                     mel_options(params, settings))) {}

  std::vector<std::string> dimension_names() const override {
    return numbered_names("mel", params_.at("n_mels").get<int>());
  }

  dsp::Matrix compute(AnalysisContext& context) const override {
    if (params_.at("decibels").get<bool>()) return mel_db(context, params_, filters_);
    return filters_.apply(source_power(context, params_.at("source").get<std::string>()));
  }

 private:
  Json params_;
  dsp::Filterbank filters_;  // built once: its banded form is what apply() needs
};

}  // namespace

FeatureDefinition melspectrogram_definition() {
  std::vector<ParamSpec> specs = mel_params();
  specs.push_back(
      {"decibels", ParamType::boolean, true, "power_to_db (ref 1, amin 1e-10, top_db), or power"});
  specs.push_back(source_param());
  return {"melspectrogram",
          "Mel spectrogram, in dB by default (librosa.feature.melspectrogram + power_to_db)",
          "n_mels columns: mel_001 …", schema_of(std::move(specs)),
          [](const Json& p, const AnalysisSettings& s) {
            return std::make_unique<MelSpectrogram>(p, s);
          }};
}

}  // namespace mirkit::features::descriptors
