#include "mirkit/io/audio_ops.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "mirkit/core/error.hpp"

namespace mirkit::io {

void append_downmix(std::span<const float> interleaved, int channels, std::vector<float>& mono) {
  const auto width = static_cast<std::size_t>(channels);
  const std::size_t frames = interleaved.size() / width;
  if (width == 1) {
    mono.insert(mono.end(), interleaved.begin(), interleaved.end());
    return;
  }
  const float scale = 1.0f / static_cast<float>(channels);
  const std::size_t at = mono.size();
  mono.resize(at + frames);
  float* out = mono.data() + at;
  const float* in = interleaved.data();
  if (width == 2) {  // the common case, in a loop the compiler vectorises; the same sums
    for (std::size_t f = 0; f < frames; ++f)
      out[f] = (in[2 * f] + in[2 * f + 1]) * scale;
    return;
  }
  for (std::size_t f = 0; f < frames; ++f) {
    float sum = 0.0f;
    for (std::size_t c = 0; c < width; ++c)
      sum += in[f * width + c];
    out[f] = sum * scale;
  }
}

Normalization parse_normalization(std::string_view name) {
  for (const auto& [known, normalization] : kNormalizationNames)
    if (known == name) return normalization;
  throw usage_error("unknown normalisation '" + std::string(name) + "' (known: none, peak, rms)");
}

std::string_view to_string(Normalization normalization) {
  for (const auto& [name, known] : kNormalizationNames)
    if (known == normalization) return name;
  return "none";
}

void normalize(std::span<float> samples, Normalization normalization, double target_dbfs) {
  if (normalization == Normalization::none || samples.empty()) return;
  double level = 0.0;
  if (normalization == Normalization::peak) {
    for (float s : samples)
      level = std::max(level, static_cast<double>(std::abs(s)));
  } else {
    double energy = 0.0;
    for (float s : samples)
      energy += static_cast<double>(s) * s;
    level = std::sqrt(energy / static_cast<double>(samples.size()));
  }
  if (level <= 0.0) return;
  const auto gain = static_cast<float>(std::pow(10.0, target_dbfs / 20.0) / level);
  for (float& s : samples)
    s *= gain;
}

FrameRange find_non_silent(std::span<const float> interleaved, int channels, double top_db,
                           std::size_t frame_length, std::size_t hop) {
  std::vector<float> mono;
  append_downmix(interleaved, channels, mono);
  const std::size_t n = mono.size();
  if (n == 0) return {};

  // librosa.feature.rms(y, center=True, pad_mode="constant"): frame t covers the samples
  // [t·hop − frame_length/2, t·hop + frame_length/2), zeros outside the signal.
  const std::size_t frames = 1 + n / hop;
  const auto half = static_cast<std::ptrdiff_t>(frame_length / 2);
  std::vector<double> frame_rms(frames);
  for (std::size_t t = 0; t < frames; ++t) {
    const std::ptrdiff_t centre = static_cast<std::ptrdiff_t>(t * hop);
    const std::ptrdiff_t lo = std::max<std::ptrdiff_t>(centre - half, 0);
    const std::ptrdiff_t hi = std::min<std::ptrdiff_t>(
        centre - half + static_cast<std::ptrdiff_t>(frame_length), static_cast<std::ptrdiff_t>(n));
    double energy = 0.0;
    for (std::ptrdiff_t i = lo; i < hi; ++i)
      energy += static_cast<double>(mono[i]) * mono[i];
    frame_rms[t] = std::sqrt(energy / static_cast<double>(frame_length));
  }

  // amplitude_to_db(rms, ref=max, amin=1e-5) > −top_db
  constexpr double kAmin = 1e-5;
  const double loudest = *std::max_element(frame_rms.begin(), frame_rms.end());
  const double ref_db = 20.0 * std::log10(std::max(kAmin, loudest));
  auto is_loud = [&](double r) { return 20.0 * std::log10(std::max(kAmin, r)) - ref_db > -top_db; };

  const auto first = std::find_if(frame_rms.begin(), frame_rms.end(), is_loud);
  const auto last = std::find_if(frame_rms.rbegin(), frame_rms.rend(), is_loud);
  const auto first_frame = static_cast<std::size_t>(first - frame_rms.begin());
  const auto last_frame = frames - 1 - static_cast<std::size_t>(last - frame_rms.rbegin());
  return {first_frame * hop, std::min(n, (last_frame + 1) * hop)};
}

void fix_length(std::vector<float>& interleaved, int channels, std::size_t frames) {
  interleaved.resize(frames * static_cast<std::size_t>(channels), 0.0f);
}

}  // namespace mirkit::io
