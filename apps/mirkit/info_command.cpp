// mirkit info: what each audio file's header says, as one JSON object per line.
#include <cmath>
#include <iostream>
#include <memory>

#include "command.hpp"
#include "mirkit/core/json.hpp"
#include "mirkit/io/audio_reader.hpp"
#include "mirkit/pipeline/batch_run.hpp"
#include "mirkit/pipeline/feature_ops.hpp"

namespace mirkit::cli {
namespace {

struct InfoOptions {
  pipeline::BatchOptions batch;  // inputs; the results go to stdout, one line each
  bool check = false;
};

Json describe(const io::AudioInfo& info) {
  return {{"path", info.path},
          {"format", info.format},
          {"subtype", info.subtype},
          {"sample_rate", info.sample_rate},
          {"channels", info.channels},
          {"frames", info.frames},
          {"duration_s", info.duration_s()}};
}

// Decodes the whole file at its own rate and channels, which finds corrupt streams and NaN/Inf
// samples that the header alone does not show.
void add_decode_check(const std::filesystem::path& path, Json& entry) {
  io::DecodeOptions options;
  options.sample_rate = 0;
  options.mono = false;
  io::AudioReader reader(path, options);
  std::vector<float> block;
  std::int64_t samples = 0;
  double peak = 0.0;
  double energy = 0.0;
  while (reader.read(block)) {
    for (float s : block) {
      peak = std::max(peak, static_cast<double>(std::abs(s)));
      energy += static_cast<double>(s) * s;
    }
    samples += static_cast<std::int64_t>(block.size());
    block.clear();
  }
  entry["decoded_frames"] = samples / reader.channels();
  entry["peak"] = peak;
  entry["rms_dbfs"] = samples > 0 && energy > 0.0
                          ? 10.0 * std::log10(energy / static_cast<double>(samples))
                          : -INFINITY;
}

ExitCode run_info(const InfoOptions& options, Log& log) {
  const io::InputSpec& spec = options.batch.inputs;
  if (spec.paths.empty() && spec.files_from.empty()) {
    throw usage_error("no inputs: name audio files or folders, or --files-from");
  }
  pipeline::BatchRun run(options.batch, "info", log, std::cin);
  // One thread, so the lines come out in input order as each file is read.
  run.for_each(
      run.selected(),
      [&](std::size_t index, int) {
        const std::filesystem::path& path = run.inputs()[index].path;
        if (path.extension() == ".safetensors" || path.extension() == ".json") {
          const Json described = path.extension() == ".json" ? pipeline::describe_recipe(path)
                                                             : pipeline::describe_artifact(path);
          std::cout << to_json_line(described) << '\n' << std::flush;
          return 0.0;
        }
        Json entry = describe(io::open_audio_source(path)->info());
        if (options.check) add_decode_check(path, entry);
        std::cout << to_json_line(entry) << '\n' << std::flush;
        return entry.at("duration_s").get<double>();
      },
      [](std::size_t, const Error*) {}, [] {});
  const std::size_t failed = run.failed();
  log.verbose(std::to_string(run.selected().size() - failed) + " of " +
              std::to_string(run.selected().size()) + " files read");
  return failed == 0 ? ExitCode::success : ExitCode::some_inputs_failed;
}

}  // namespace

void add_info_command(CLI::App& app, Runner& runner) {
  auto options = std::make_shared<InfoOptions>();
  CLI::App* command = app.add_subcommand(
      "info", "Print each audio file's format, or a mirkit file's summary, as a JSON line");
  add_input_options(*command, options->batch.inputs);
  command->add_flag("--check", options->check,
                    "Also decode every sample: finds corrupt streams and NaN/Inf samples, and "
                    "adds decoded_frames, peak and rms_dbfs");
  command->footer(
      "Prints one JSON object per file on stdout: path, format, subtype, sample_rate, channels,\n"
      "frames, duration_s. A file that cannot be read gets one error line on stderr and the\n"
      "others go on; the exit code is then 1.\n"
      "For a mirkit file (.safetensors): kind, layout, items, rows, dims, labels with counts,\n"
      "groups, audio_seconds, config_hash, run, names and tensors; for a model also what\n"
      "training chose and measured (seed, data and recipe hashes, cross-validation figures).\n"
      "For a recipe (.json): the recipe as resolved, every default written out, and its hash.\n\n"
      "Examples:\n"
      "  mirkit info song.flac take2.wav\n"
      "  mirkit info --check data/demo\n"
      "  mirkit info features.safetensors\n"
      "  mirkit info configs/features/gtzan.json\n"
      "  find music -name '*.mp3' -print0 | mirkit info --files-from - --null");
  command->final_callback(
      [options, &runner] { runner = [options](Log& log) { return run_info(*options, log); }; });
}

}  // namespace mirkit::cli
