// chroma_stft: pitch-class energy from the power STFT.
#include <optional>

#include "common.hpp"
#include "mirkit/dsp/chroma.hpp"
#include "mirkit/dsp/filterbank.hpp"
#include "mirkit/dsp/tuning.hpp"
#include "mirkit/features/chroma.hpp"

namespace mirkit::features::descriptors {
namespace {

class ChromaStft final : public Feature {
 public:
  ChromaStft(const Json& params, const AnalysisSettings& settings)
      : params_(params), settings_(settings) {
    if (!params.at("tuning").is_null())
      filters_.emplace(make_filters(params.at("tuning").get<double>()));
  }

  std::vector<std::string> dimension_names() const override {
    return pitch_class_names("chroma_stft", params_.at("n_chroma").get<int>());
  }

  // An estimated tuning is one value from the whole clip's spectrogram.
  bool needs_whole_clip() const override { return !filters_; }

  dsp::Matrix compute(AnalysisContext& context) const override {
    const dsp::Matrix& power = source_power(context, params_.at("source").get<std::string>());
    if (filters_) return chroma_stft(power, *filters_);
    // tuning null: estimated per clip from the power spectrogram, as librosa does.
    const double tuning =
        dsp::estimate_tuning(power, settings_.sample_rate, settings_.n_fft,
                             {.bins_per_octave = params_.at("n_chroma").get<int>()});
    return chroma_stft(power, make_filters(tuning));
  }

 private:
  dsp::Filterbank make_filters(double tuning) const {
    return dsp::Filterbank(
        dsp::chroma_filterbank(settings_.sample_rate, settings_.n_fft,
                               {.n_chroma = params_.at("n_chroma").get<int>(), .tuning = tuning}));
  }

  Json params_;
  AnalysisSettings settings_;
  std::optional<dsp::Filterbank> filters_;
};

}  // namespace

FeatureDefinition chroma_stft_definition() {
  return {
      "chroma_stft", "Chromagram from the power STFT, each frame scaled to a maximum of 1",
      "n_chroma columns: chroma_stft_C … chroma_stft_B",
      schema_of({{"n_chroma", ParamType::integer, 12, "pitch classes", 1, 120},
                 {"tuning",
                  ParamType::number,
                  0.0,
                  "deviation from A440 in bins; null = estimate per clip",
                  -0.5,
                  0.5,
                  {},
                  true},
                 source_param()}),
      [](const Json& p, const AnalysisSettings& s) { return std::make_unique<ChromaStft>(p, s); }};
}

}  // namespace mirkit::features::descriptors
