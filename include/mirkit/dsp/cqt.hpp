// The constant-Q transform with librosa.cqt's semantics: Hann-windowed complex wavelets, L1
// normalised, taken to the frequency domain and sparsified; applied octave by octave from the
// top, halving the signal's rate (with mirkit's own resampler) between octaves.
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "mirkit/dsp/matrix.hpp"
#include "mirkit/dsp/stft.hpp"
#include "mirkit/io/resampler.hpp"

namespace mirkit::dsp {

inline constexpr double kC1Hz = 32.70319566257483;  // C1 in 12-tone equal temperament, A4 = 440

struct CqtOptions {
  double fmin = kC1Hz;  // Hz of the lowest bin (before tuning)
  int n_bins = 84;
  int bins_per_octave = 12;
  double tuning = 0.0;  // in fractions of a bin; moves every centre by 2^(tuning/bpo)
  double filter_scale = 1.0;
  double sparsity = 0.01;  // fraction of each kernel's L1 mass that may be dropped
  WindowKind window = WindowKind::hann;
  bool scale = true;  // divide by √(filter length), so the bins are comparable
  PadMode pad_mode = PadMode::constant;
  io::ResampleQuality resampling = io::ResampleQuality::high;
};

// Centre frequencies of the bins, in Hz (tuning applied), lowest first.
std::vector<double> cqt_frequencies(const CqtOptions& options);

class Cqt {
 public:
  // Throws a usage error when the top bin's filter reaches above the Nyquist rate, or the hop
  // cannot be halved once per octave.
  Cqt(int sample_rate, int hop_length, const CqtOptions& options = {});
  ~Cqt();
  Cqt(Cqt&&) noexcept;
  Cqt& operator=(Cqt&&) noexcept;

  // |CQT|, frames × n_bins (lowest bin first); 1 + n / hop frames, as the STFT.
  Matrix magnitude(std::span<const float> signal) const;

  const std::vector<double>& frequencies() const { return frequencies_; }

 private:
  struct Octave;
  int sample_rate_;
  CqtOptions options_;
  std::vector<double> frequencies_;
  std::vector<Octave> octaves_;  // from the top octave down
};

}  // namespace mirkit::dsp
