#include "mirkit/features/analysis.hpp"

#include <algorithm>

namespace mirkit::features {

const Schema<AnalysisSettings>& AnalysisSettings::schema() {
  using S = AnalysisSettings;
  static const Schema<S> schema =
      Schema<S>()
          .field("sample_rate", &S::sample_rate, "audio is resampled to this rate (Hz)",
                 {.min = 1000, .max = 768000})
          .field("n_fft", &S::n_fft, "FFT size and frame length (samples)",
                 {.min = 16, .max = 65536})
          .field("hop_length", &S::hop_length, "samples between frame centres",
                 {.min = 1, .max = 65536})
          .field("window", &S::window, "analysis window", dsp::kWindowNames)
          .field("pad_mode", &S::pad_mode, "padding of the centred first and last frames",
                 dsp::kPadModeNames);
  return schema;
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
                                 dsp::Stft& stft, AnalysisWorkspace& workspace,
                                 bool spectrum_in_double)
    : signal_(signal),
      settings_(settings),
      stft_(stft),
      workspace_(workspace),
      spectrum_in_double_(spectrum_in_double) {}

int AnalysisContext::frames() const {
  return dsp::stft_frames(signal_.size(), stft_.options());
}

const dsp::Matrix& AnalysisContext::magnitude() {
  if (!have_magnitude_) {
    if (spectrum_in_double_) {  // comes first: power() squares it
      stft_.magnitude_in_double(signal_, workspace_.magnitude);
    } else if (have_power_) {  // the power came first: one square root per bin, no second STFT
      workspace_.magnitude.resize(workspace_.power.rows(), workspace_.power.cols());
      workspace_.magnitude.array() = workspace_.power.array().sqrt();
    } else {
      stft_.magnitude(signal_, workspace_.magnitude);
    }
    have_magnitude_ = true;
  }
  return workspace_.magnitude;
}

const dsp::Matrix& AnalysisContext::magnitude_in_double() {
  if (spectrum_in_double_) return magnitude();
  return cached("magnitude:double", [&] {
    dsp::Matrix out;
    stft_.magnitude_in_double(signal_, out);
    return out;
  });
}

const dsp::Matrix& AnalysisContext::power() {
  if (!have_power_) {
    if (spectrum_in_double_) magnitude();
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

void AnalysisContext::set_piece(Eigen::Index keep_begin, Eigen::Index keep_end,
                                ClipReferences& references) {
  keep_begin_ = keep_begin;
  keep_end_ = keep_end;
  references_ = &references;
}

dsp::Matrix AnalysisContext::decibels(const std::string& key, const dsp::Matrix& power,
                                      dsp::DecibelOptions options) {
  if (!references_ || !options.top_db || power.size() == 0) {
    return dsp::power_to_db(power, options);
  }
  if (references_->pass == ClipReferences::Pass::impose) {
    const auto it = references_->max_db.find(key);
    if (it != references_->max_db.end()) options.max_db = it->second;
    return dsp::power_to_db(power, options);
  }
  // Recording: the largest over the kept frames, which are the whole clip's frames when the
  // clip is one piece; then this piece is clipped from it (final when there is one piece).
  const std::optional<double> top_db = options.top_db;
  options.top_db.reset();
  dsp::Matrix db = dsp::power_to_db(power, options);
  if (keep_end_ > keep_begin_) {
    const float largest = db.middleRows(keep_begin_, keep_end_ - keep_begin_).maxCoeff();
    const auto [it, inserted] = references_->max_db.try_emplace(key, largest);
    if (!inserted) it->second = std::max(it->second, largest);
    db = db.cwiseMax(largest - static_cast<float>(*top_db));
  }
  return db;
}

}  // namespace mirkit::features
