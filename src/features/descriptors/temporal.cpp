// Time-domain frame features: zero-crossing rate, RMS energy, and the waveform itself.
#include "mirkit/features/temporal.hpp"

#include <algorithm>

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

// The resampled samples themselves, for end-to-end (raw-waveform) networks. Frame k holds the
// hop_length samples centred on its centre k·hop_length (zero beyond the signal's ends), so
// consecutive frames tile the signal without gap or overlap and a window of W frames is
// W·hop_length contiguous samples; frame k is the same samples whether the clip is analysed
// whole or in pieces.
class Waveform final : public Feature {
 public:
  explicit Waveform(const AnalysisSettings& settings) : hop_(settings.hop_length) {}
  std::vector<std::string> dimension_names() const override {
    return numbered_names("sample", hop_, 0);
  }
  dsp::Matrix compute(AnalysisContext& context) const override {
    const std::span<const float> signal = context.signal();
    const auto length = static_cast<std::int64_t>(signal.size());
    dsp::Matrix out = dsp::Matrix::Zero(context.frames(), hop_);
    for (Eigen::Index k = 0; k < out.rows(); ++k) {
      const std::int64_t start = k * hop_ - hop_ / 2;
      const std::int64_t from = std::max<std::int64_t>(start, 0);
      const std::int64_t to = std::min<std::int64_t>(start + hop_, length);
      if (to > from)
        std::copy(signal.begin() + from, signal.begin() + to, out.row(k).data() + (from - start));
    }
    return out;
  }

 private:
  int hop_;
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

FeatureDefinition waveform_definition() {
  return {"waveform",
          "The resampled samples: frame k holds the hop_length samples centred on k * hop_length, "
          "for raw-waveform networks (SampleCNN)",
          "hop_length columns: sample_00 … (the waveform)", ParamSchema{},
          [](const Json&, const AnalysisSettings& s) { return std::make_unique<Waveform>(s); }};
}

}  // namespace mirkit::features::descriptors
