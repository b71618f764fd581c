// One file's analysis: the signal, the framing every frame feature shares, and a cache so that
// each intermediate (STFT, power, mel, CQT, HPSS parts, …) is computed at most once however many
// features need it.
#pragma once

#include <functional>
#include <map>
#include <span>
#include <string>

#include "mirkit/core/json.hpp"
#include "mirkit/core/params.hpp"
#include "mirkit/dsp/hpss.hpp"
#include "mirkit/dsp/matrix.hpp"
#include "mirkit/dsp/stft.hpp"

namespace mirkit::features {

// The shared framing (librosa's defaults): every frame feature has 1 + n / hop_length frames.
struct AnalysisSettings {
  int sample_rate = 22050;
  int n_fft = 2048;
  int hop_length = 512;
  dsp::WindowKind window = dsp::WindowKind::hann;
  dsp::PadMode pad_mode = dsp::PadMode::constant;

  static const ParamSchema& schema();
  static AnalysisSettings from_json(const Json& resolved);
  dsp::StftOptions stft_options() const;
};

// Storage that outlives one clip: the large spectrograms are written into the same buffers clip
// after clip instead of being allocated (and page-faulted) anew.
struct AnalysisWorkspace {
  dsp::Matrix magnitude;
  dsp::Matrix power;
};

class AnalysisContext {
 public:
  // `stft` must have been made from settings.stft_options(); `stft` and `workspace` are reused
  // across clips by one thread.
  AnalysisContext(std::span<const float> signal, const AnalysisSettings& settings, dsp::Stft& stft,
                  AnalysisWorkspace& workspace);

  std::span<const float> signal() const { return signal_; }
  const AnalysisSettings& settings() const { return settings_; }
  int frames() const;

  const dsp::Matrix& magnitude();  // |STFT|, frames × bins
  const dsp::Matrix& power();      // |STFT|², frames × bins
  const dsp::HpssParts& hpss();    // of the magnitude, librosa's defaults

  // Any other intermediate, by a key that names it with its parameters ("mel_db:128:0:…").
  const dsp::Matrix& cached(const std::string& key, const std::function<dsp::Matrix()>& compute);

 private:
  std::span<const float> signal_;
  AnalysisSettings settings_;
  dsp::Stft& stft_;
  AnalysisWorkspace& workspace_;
  bool have_magnitude_ = false;
  bool have_power_ = false;
  std::map<std::string, dsp::Matrix> cache_;
  std::optional<dsp::HpssParts> hpss_;
};

}  // namespace mirkit::features
