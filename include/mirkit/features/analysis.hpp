// One file's analysis: the signal, the framing every frame feature shares, and a cache so that
// each intermediate (STFT, power, mel, CQT, HPSS parts, …) is computed at most once however many
// features need it.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>

#include "mirkit/core/json.hpp"
#include "mirkit/core/schema.hpp"
#include "mirkit/dsp/decibel.hpp"
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

  static const Schema<AnalysisSettings>& schema();
  dsp::StftOptions stft_options() const;
};

// Storage that outlives one clip: the large spectrograms are written into the same buffers clip
// after clip instead of being allocated (and page-faulted) anew.
struct AnalysisWorkspace {
  dsp::Matrix magnitude;
  dsp::Matrix power;
};

// What a clip analysed in pieces (FeatureExtractor::analyse_file) needs to agree with the clip
// analysed whole: librosa clips decibels to within top_db of the *whole clip's* largest value. A
// first pass over the pieces records, per intermediate, the largest value over the frames each
// piece keeps; a second pass clips every piece from those.
struct ClipReferences {
  enum class Pass { record, impose };
  Pass pass = Pass::record;
  std::map<std::string, float> max_db;  // by intermediate (its cache key)
};

class AnalysisContext {
 public:
  // `stft` must have been made from settings.stft_options(); `stft` and `workspace` are reused
  // across clips by one thread.
  // `spectrum_in_double`: magnitude() and power() come from the STFT in double (see
  // Feature::needs_spectrum_in_double), and magnitude_in_double() is then magnitude().
  AnalysisContext(std::span<const float> signal, const AnalysisSettings& settings, dsp::Stft& stft,
                  AnalysisWorkspace& workspace, bool spectrum_in_double = false);

  std::span<const float> signal() const { return signal_; }
  const AnalysisSettings& settings() const { return settings_; }
  int frames() const;

  const dsp::Matrix& magnitude();  // |STFT|, frames × bins
  // |STFT| computed in double (dsp::Stft::magnitude_in_double), for the quietest bins.
  const dsp::Matrix& magnitude_in_double();
  const dsp::Matrix& power();    // |STFT|², frames × bins
  const dsp::HpssParts& hpss();  // of the magnitude, librosa's defaults

  // Any other intermediate, by a key that names it with its parameters ("mel_db:128:0:…").
  const dsp::Matrix& cached(const std::string& key, const std::function<dsp::Matrix()>& compute);

  // This signal is a piece of a longer clip, of which only frames [keep_begin, keep_end) are
  // kept (the rest is context); `references` outlives the context.
  void set_piece(Eigen::Index keep_begin, Eigen::Index keep_end, ClipReferences& references);
  // dsp::power_to_db, with top_db counted down from the whole clip's largest value of the
  // intermediate `key` (of this signal's, when it is not a piece).
  dsp::Matrix decibels(const std::string& key, const dsp::Matrix& power,
                       dsp::DecibelOptions options);

 private:
  std::span<const float> signal_;
  AnalysisSettings settings_;
  dsp::Stft& stft_;
  AnalysisWorkspace& workspace_;
  bool spectrum_in_double_ = false;
  bool have_magnitude_ = false;
  bool have_power_ = false;
  std::map<std::string, dsp::Matrix> cache_;
  std::optional<dsp::HpssParts> hpss_;
  ClipReferences* references_ = nullptr;
  Eigen::Index keep_begin_ = 0, keep_end_ = 0;
};

}  // namespace mirkit::features
