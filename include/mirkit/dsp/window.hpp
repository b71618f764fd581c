// Analysis windows, periodic ("DFT-even") as scipy.signal.get_window(fftbins=True) and librosa.
#pragma once

#include <array>
#include <string_view>
#include <utility>
#include <vector>

namespace mirkit::dsp {

enum class WindowKind { hann, hamming, blackman, rectangular };

// As recipes name them.
inline constexpr std::array<std::pair<std::string_view, WindowKind>, 4> kWindowNames = {
    {{"hann", WindowKind::hann},
     {"hamming", WindowKind::hamming},
     {"blackman", WindowKind::blackman},
     {"rectangular", WindowKind::rectangular}}};
std::string_view to_string(WindowKind kind);

// `length` samples of the periodic window, in double (the caller rounds where it wants to).
std::vector<double> make_window(WindowKind kind, int length);

}  // namespace mirkit::dsp
