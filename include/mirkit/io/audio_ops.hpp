// Whole-signal operations on decoded audio: downmix, normalisation, silence trimming, fixed
// length. Samples are interleaved, frames × channels.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace mirkit::io {

// Appends the channel mean of each frame (librosa.to_mono) to `mono`.
void append_downmix(std::span<const float> interleaved, int channels, std::vector<float>& mono);

enum class Normalization {
  none,
  peak,  // scale so that the largest |sample| is at the target level (dBFS)
  rms,   // scale so that the RMS over all samples is at the target level (dBFS)
};
// As recipes name them.
inline constexpr std::array<std::pair<std::string_view, Normalization>, 3> kNormalizationNames = {
    {{"none", Normalization::none}, {"peak", Normalization::peak}, {"rms", Normalization::rms}}};
Normalization parse_normalization(std::string_view name);  // "none" | "peak" | "rms"
std::string_view to_string(Normalization normalization);

// Scales `samples` in place. A silent signal (all zeros) is left as it is: there is no level to
// scale from, and a gain of infinity would only make NaNs.
void normalize(std::span<float> samples, Normalization normalization, double target_dbfs);

// The frames [begin, end) that librosa.effects.trim keeps: frames of `frame_length` samples every
// `hop` (centred, zero-padded) whose RMS is within `top_db` of the loudest frame's. As in
// librosa, an all-zero signal is kept whole (no frame is quieter than the loudest); an empty
// signal gives an empty range.
struct FrameRange {
  std::size_t begin = 0;
  std::size_t end = 0;
};
FrameRange find_non_silent(std::span<const float> interleaved, int channels, double top_db,
                           std::size_t frame_length = 2048, std::size_t hop = 512);

// Pads with zeros or cuts to exactly `frames` frames (librosa.util.fix_length).
void fix_length(std::vector<float>& interleaved, int channels, std::size_t frames);

}  // namespace mirkit::io
