// Pictures of one clip: its waveform, or any time–frequency representation the feature library
// computes (STFT, mel, CQT, chroma, MFCC, HPSS), with the parameters of a feature recipe, on
// labelled axes (time in seconds; frequency in Hz, notes or pitch classes) with a colour bar.
#pragma once

#include <filesystem>
#include <span>
#include <string>

#include "mirkit/core/json.hpp"
#include "mirkit/plot/figure.hpp"

namespace mirkit::plot {

enum class AudioPlotKind { wave, stft, mel, cqt, chroma, mfcc, hpss };

// "wave", "stft", …; a usage Error lists the kinds.
AudioPlotKind parse_audio_plot_kind(const std::string& name);
const char* to_string(AudioPlotKind kind);

// The figure of `kind` for `signal` (mono, at the recipe's analysis sample rate). `recipe` is a
// feature recipe (configs/features/*.json; an empty object takes every default): its "analysis"
// framing, and the parameters of its first feature of that kind (melspectrogram, cqt, mfcc,
// chroma_stft or chroma_cqt), else that feature's defaults. Spectrograms are in dB (ref 1, as
// the features); `where` names the recipe in errors.
Figure audio_figure(std::span<const float> signal, const Json& recipe, AudioPlotKind kind,
                    int width, int height, const std::string& title = {},
                    const std::string& where = "recipe");

struct PlotAudioOptions {
  std::filesystem::path audio;
  std::filesystem::path recipe;  // empty: every default (22050 Hz, n_fft 2048, hop 512)
  AudioPlotKind kind = AudioPlotKind::mel;
  std::filesystem::path output;  // .png or .svg
  int width = 1000, height = 500;
};

// Reads the audio as the recipe's "audio" section says (mono, at its sample rate), draws and
// writes the figure. An unreadable audio file is an input Error naming it; a bad recipe or an
// output name that is neither .png nor .svg a usage Error.
void plot_audio(const PlotAudioOptions& options);

}  // namespace mirkit::plot
