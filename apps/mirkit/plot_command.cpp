// mirkit plot: a labelled picture of one audio file's waveform or spectrogram.
#include <memory>

#include "command.hpp"
#include "mirkit/core/file_io.hpp"
#include "mirkit/plot/audio_figure.hpp"
#include "mirkit/plot/figure.hpp"

namespace mirkit::cli {
namespace {

struct PlotCommand {
  plot::PlotAudioOptions options;
  std::string kind = "mel";
};

ExitCode run_plot(PlotCommand& command, Log& log) {
  command.options.kind = plot::parse_audio_plot_kind(command.kind);
  if (command.options.output.empty()) {
    command.options.output = command.options.audio.stem().string() + "." + command.kind + ".png";
  }
  (void)plot::image_format_of(command.options.output);  // the options first, then the input
  require_existing_input(command.options.audio);
  try {
    plot::plot_audio(command.options);
  } catch (const Error& error) {
    // One input, and it failed: nothing was written.
    if (error.kind() != ErrorKind::input) throw;
    log.error(error.file().empty() ? error.with_file(command.options.audio.string()) : error);
    return ExitCode::fatal;
  }
  return ExitCode::success;
}

}  // namespace

void add_plot_command(CLI::App& app, Runner& runner) {
  auto command = std::make_shared<PlotCommand>();
  plot::PlotAudioOptions& options = command->options;
  CLI::App* sub = app.add_subcommand(
      "plot", "Draw an audio file's waveform or spectrogram (STFT, mel, CQT, chroma, MFCC, HPSS)");
  sub->add_option("audio", options.audio, "The audio file")->required();
  sub->add_option("--kind", command->kind, "wave, stft, mel, cqt, chroma, mfcc or hpss")
      ->capture_default_str();
  sub->add_option("-o,--output", options.output,
                  "Image file, .png or .svg (default: AUDIO-STEM.KIND.png here)")
      ->check(existing_output_folder());
  sub->add_option("-c,--config", options.recipe,
                  "Feature recipe whose audio, analysis and feature parameters to use");
  sub->add_option("--width", options.width, "Width in pixels")
      ->check(CLI::Range(16, 8192))
      ->capture_default_str();
  sub->add_option("--height", options.height, "Height in pixels")
      ->check(CLI::Range(16, 8192))
      ->capture_default_str();
  sub->footer(
      "Time runs along x in seconds; frequency up y: Hz for stft and hpss (linear) and mel (mel\n"
      "scale), note names for cqt, pitch classes for chroma, coefficient number for mfcc. The\n"
      "colour bar is in dB (ref 1, as the features): the STFT magnitude by amplitude_to_db, the\n"
      "mel power by power_to_db. hpss draws the harmonic and the percussive part on one scale.\n"
      "With -c the recipe's audio reading (sample rate, trimming, normalisation), framing\n"
      "(n_fft, hop, window) and its first feature of the kind (melspectrogram, cqt, mfcc,\n"
      "chroma_stft/chroma_cqt) with its parameters are used; without, librosa's defaults.\n\n"
      "Examples:\n"
      "  mirkit plot song.flac --kind mel -o song-mel.png\n"
      "  mirkit plot song.flac --kind cqt -c configs/features/full.json -o cqt.svg --width 1600");
  sub->final_callback(
      [command, &runner] { runner = [command](Log& log) { return run_plot(*command, log); }; });
}

}  // namespace mirkit::cli
