#include "mirkit/features/analysis.hpp"

namespace mirkit::features {

const ParamSchema& AnalysisSettings::schema() {
  static const ParamSchema schema{
      {"sample_rate", ParamType::integer, 22050, "audio is resampled to this rate (Hz)", 1000,
       768000},
      {"n_fft", ParamType::integer, 2048, "FFT size and frame length (samples)", 16, 65536},
      {"hop_length", ParamType::integer, 512, "samples between frame centres", 1, 65536},
      {"window",
       ParamType::string,
       "hann",
       "analysis window",
       {},
       {},
       {"hann", "hamming", "blackman", "rectangular"}},
      {"pad_mode",
       ParamType::string,
       "constant",
       "padding of the centred first and last frames",
       {},
       {},
       {"constant", "reflect", "edge"}},
  };
  return schema;
}

AnalysisSettings AnalysisSettings::from_json(const Json& resolved) {
  AnalysisSettings s;
  s.sample_rate = resolved.at("sample_rate").get<int>();
  s.n_fft = resolved.at("n_fft").get<int>();
  s.hop_length = resolved.at("hop_length").get<int>();
  s.window = dsp::parse_window(resolved.at("window").get<std::string>());
  s.pad_mode = dsp::parse_pad_mode(resolved.at("pad_mode").get<std::string>());
  return s;
}

dsp::StftOptions AnalysisSettings::stft_options() const {
  return {.n_fft = n_fft,
          .hop_length = hop_length,
          .win_length = 0,
          .window = window,
          .center = true,
          .pad_mode = pad_mode};
}

AnalysisContext::AnalysisContext(std::span<const float> signal, const AnalysisSettings& settings,
                                 dsp::Stft& stft, AnalysisWorkspace& workspace)
    : signal_(signal), settings_(settings), stft_(stft), workspace_(workspace) {}

int AnalysisContext::frames() const {
  return dsp::stft_frames(signal_.size(), stft_.options());
}

const dsp::Matrix& AnalysisContext::magnitude() {
  if (!have_magnitude_) {
    if (have_power_) {  // the power came first: one square root per bin, no second STFT
      workspace_.magnitude.resize(workspace_.power.rows(), workspace_.power.cols());
      workspace_.magnitude.array() = workspace_.power.array().sqrt();
    } else {
      stft_.magnitude(signal_, workspace_.magnitude);
    }
    have_magnitude_ = true;
  }
  return workspace_.magnitude;
}

const dsp::Matrix& AnalysisContext::power() {
  if (!have_power_) {
    if (have_magnitude_) {
      workspace_.power.resize(workspace_.magnitude.rows(), workspace_.magnitude.cols());
      workspace_.power.array() = workspace_.magnitude.array().square();
    } else {  // straight from the STFT: a power-only recipe (MFCC) never takes square roots
      stft_.power(signal_, workspace_.power);
    }
    have_power_ = true;
  }
  return workspace_.power;
}

const dsp::HpssParts& AnalysisContext::hpss() {
  if (!hpss_) hpss_ = dsp::hpss(magnitude());
  return *hpss_;
}

const dsp::Matrix& AnalysisContext::cached(const std::string& key,
                                           const std::function<dsp::Matrix()>& compute) {
  auto it = cache_.find(key);
  if (it == cache_.end()) it = cache_.emplace(key, compute()).first;
  return it->second;
}

}  // namespace mirkit::features
