// The short-time Fourier transform with librosa's framing: frames centred on t·hop (the signal
// padded by n_fft/2 on both sides), so n samples give 1 + n / hop frames.
#pragma once

#include <complex>
#include <memory>
#include <span>
#include <string_view>

#include "mirkit/dsp/matrix.hpp"
#include "mirkit/dsp/window.hpp"

namespace mirkit::dsp {

enum class PadMode {
  constant,  // zeros (librosa's default since 0.10)
  reflect,   // mirror without repeating the edge sample (numpy "reflect")
  edge,      // repeat the edge sample
};
// As recipes name them.
inline constexpr std::array<std::pair<std::string_view, PadMode>, 3> kPadModeNames = {
    {{"constant", PadMode::constant}, {"reflect", PadMode::reflect}, {"edge", PadMode::edge}}};
std::string_view to_string(PadMode mode);

struct StftOptions {
  int n_fft = 2048;
  int hop_length = 512;
  int win_length = 0;  // 0: n_fft; a shorter window is centred in the frame with zeros around it
  WindowKind window = WindowKind::hann;
  bool center = true;
  PadMode pad_mode = PadMode::constant;
};

// Frames of `samples` samples under `options`.
int stft_frames(std::size_t samples, const StftOptions& options);

// One analysis: owns its FFT plan and buffers (plans are made under a process-wide lock, FFTW's
// planner not being thread-safe; execution is lock-free). Not shared between threads: make one
// per thread.
class Stft {
 public:
  explicit Stft(const StftOptions& options = {});
  ~Stft();
  Stft(Stft&&) noexcept;
  Stft& operator=(Stft&&) noexcept;

  const StftOptions& options() const { return options_; }
  int bins() const { return options_.n_fft / 2 + 1; }

  // |X|, frames × bins.
  Matrix magnitude(std::span<const float> signal);
  // |X|², frames × bins.
  Matrix power(std::span<const float> signal);
  // The same into `out`, whose storage is reused when its size already fits: a batch of clips of
  // one length then allocates (and page-faults) a 5 MB spectrogram once, not once per clip.
  void magnitude(std::span<const float> signal, Matrix& out);
  void power(std::span<const float> signal, Matrix& out);
  // |X| windowed and transformed in double, rounded to float at the end: bins far from the
  // frame's peaks keep the window's true side-lobe level instead of the float FFT's rounding
  // floor (about 1e-7 of the peak). For measures of the quietest bins (spectral contrast's
  // valleys); about twice the cost of magnitude().
  void magnitude_in_double(std::span<const float> signal, Matrix& out);

  // X itself, frames × bins (what istft() inverts).
  ComplexMatrix complex(std::span<const float> signal);

  // Calls visit(frame_index, spectrum) for each frame, with the n_fft/2 + 1 complex bins.
  template <class Visit>
  void for_each_frame(std::span<const float> signal, Visit&& visit);

 private:
  struct Plan;
  struct DoublePlan;
  void transform_frame(std::span<const float> signal, int frame);
  const std::complex<float>* spectrum() const;

  StftOptions options_;
  std::vector<float> window_;  // n_fft long, the window centred in it
  std::vector<double> window_in_double_;
  std::unique_ptr<Plan> plan_;
  std::unique_ptr<DoublePlan> double_plan_;  // made on the first magnitude_in_double()
};

template <class Visit>
void Stft::for_each_frame(std::span<const float> signal, Visit&& visit) {
  const int frames = stft_frames(signal.size(), options_);
  for (int f = 0; f < frames; ++f) {
    transform_frame(signal, f);
    visit(f, std::span<const std::complex<float>>(spectrum(), static_cast<std::size_t>(bins())));
  }
}

}  // namespace mirkit::dsp
