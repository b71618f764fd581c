// onset_strength (a frame feature) and tempo (one value per clip).
#include "mirkit/features/rhythm.hpp"

#include "common.hpp"

namespace mirkit::features::descriptors {
namespace {

class OnsetStrength : public Feature {
 public:
  OnsetStrength(const Json& params, const AnalysisSettings& settings)
      : params_(params),
        settings_(settings),
        filters_(dsp::mel_filterbank(settings.sample_rate, settings.n_fft,
                                     mel_options(params, settings))) {}

  std::vector<std::string> dimension_names() const override { return {"onset_strength"}; }

  dsp::Matrix compute(AnalysisContext& context) const override {
    return onset_strength(mel_db(context, params_, filters_), settings_.n_fft,
                          settings_.hop_length);
  }

 protected:
  Json params_;
  AnalysisSettings settings_;
  dsp::Filterbank filters_;  // built once: its banded form is what apply() needs
};

class Tempo final : public OnsetStrength {
 public:
  using OnsetStrength::OnsetStrength;

  std::vector<std::string> dimension_names() const override { return {"tempo"}; }
  bool is_global() const override { return true; }

  dsp::Matrix compute(AnalysisContext& context) const override {
    return summarize(frame_values(context));
  }

  dsp::Matrix frame_values(AnalysisContext& context) const override {
    const std::string key = "onset_strength:" + params_.dump();
    return context.cached(key, [&] { return OnsetStrength::compute(context); });
  }

  dsp::Matrix summarize(const dsp::Matrix& envelope) const override {
    TempoOptions options{params_.at("start_bpm").get<double>(), params_.at("std_bpm").get<double>(),
                         params_.at("ac_size").get<double>(),
                         params_.at("max_tempo").get<double>()};
    dsp::Matrix bpm(1, 1);
    bpm(0, 0) = static_cast<float>(
        tempo(envelope.col(0), settings_.sample_rate, settings_.hop_length, options));
    return bpm;
  }
};

std::vector<ParamSpec> onset_params() {
  std::vector<ParamSpec> specs = mel_params();
  specs.push_back(source_param());
  return specs;
}

}  // namespace

FeatureDefinition onset_strength_definition() {
  return {"onset_strength",
          "Spectral flux of the log-mel spectrogram, averaged over bands (librosa)",
          "1 column: onset_strength", schema_of(onset_params()),
          [](const Json& p, const AnalysisSettings& s) {
            return std::make_unique<OnsetStrength>(p, s);
          }};
}

FeatureDefinition tempo_definition() {
  std::vector<ParamSpec> specs = {
      {"start_bpm", ParamType::number, 120.0, "centre of the log-normal tempo prior", 1.0, 1000.0},
      {"std_bpm", ParamType::number, 1.0, "width of the prior, in octaves", 0.01, 10.0},
      {"ac_size", ParamType::number, 8.0, "autocorrelation window (s)", 0.5, 60.0},
      {"max_tempo", ParamType::number, 320.0, "fastest tempo considered (BPM)", 1.0, 2000.0}};
  for (ParamSpec& spec : onset_params())
    specs.push_back(std::move(spec));
  return {"tempo",
          "Global tempo (BPM) from the onset autocorrelation with a log-normal prior; one value "
          "per clip",
          "1 value per clip: tempo", schema_of(std::move(specs)),
          [](const Json& p, const AnalysisSettings& s) { return std::make_unique<Tempo>(p, s); }};
}

}  // namespace mirkit::features::descriptors
