// mfcc: mel-frequency cepstral coefficients of the log-mel spectrogram.
#include "mirkit/features/mfcc.hpp"

#include "common.hpp"

namespace mirkit::features::descriptors {
namespace {

class Mfcc final : public Feature {
 public:
  Mfcc(const Json& params, const AnalysisSettings& settings)
      : params_(params),
        filters_(dsp::mel_filterbank(settings.sample_rate, settings.n_fft,
                                     mel_options(params, settings))) {}

  std::vector<std::string> dimension_names() const override {
    return numbered_names("mfcc", params_.at("n_mfcc").get<int>());
  }

  dsp::Matrix compute(AnalysisContext& context) const override {
    return mfcc(mel_db(context, params_, filters_), params_.at("n_mfcc").get<int>(),
                params_.at("lifter").get<int>());
  }

 private:
  Json params_;
  dsp::Filterbank filters_;  // built once: its banded form is what apply() needs
};

}  // namespace

FeatureDefinition mfcc_definition() {
  std::vector<ParamSpec> specs = {
      {"n_mfcc", ParamType::integer, 20, "coefficients kept (c0 first)", 1, 1024},
      {"lifter", ParamType::integer, 0, "cepstral liftering; 0 = none (HTK uses 22)", 0, 1000}};
  for (ParamSpec& spec : mel_params())
    specs.push_back(std::move(spec));
  specs.push_back(source_param());
  ParamSchema params = schema_of(std::move(specs));
  // Checked when the recipe is read, not on the first file (the DCT keeps at most n_mels).
  params.add_rule([](const Json& p) -> std::optional<std::string> {
    const int n_mfcc = p.at("n_mfcc").get<int>(), n_mels = p.at("n_mels").get<int>();
    if (n_mfcc <= n_mels) return std::nullopt;
    return "'n_mfcc' (" + std::to_string(n_mfcc) + ") must not exceed 'n_mels' (" +
           std::to_string(n_mels) + "): the cepstrum has one coefficient per mel band";
  });
  return {"mfcc",
          "Mel-frequency cepstral coefficients (orthonormal DCT-II of the log-mel spectrogram)",
          "n_mfcc columns: mfcc_01 …", std::move(params),
          [](const Json& p, const AnalysisSettings& s) { return std::make_unique<Mfcc>(p, s); }};
}

}  // namespace mirkit::features::descriptors
