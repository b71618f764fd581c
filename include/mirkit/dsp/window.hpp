// Analysis windows, periodic ("DFT-even") as scipy.signal.get_window(fftbins=True) and librosa.
#pragma once

#include <string_view>
#include <vector>

namespace mirkit::dsp {

enum class WindowKind { hann, hamming, blackman, rectangular };

WindowKind parse_window(std::string_view name);  // "hann" | "hamming" | "blackman" | "rectangular"
std::string_view to_string(WindowKind kind);

// `length` samples of the periodic window, in double (the caller rounds where it wants to).
std::vector<double> make_window(WindowKind kind, int length);

}  // namespace mirkit::dsp
