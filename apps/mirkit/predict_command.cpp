// mirkit predict: a model and audio (or feature files) → labels, one row per file.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

#include "command.hpp"
#include "mirkit/core/file_io.hpp"
#include "mirkit/io/audio_source.hpp"
#include "mirkit/pipeline/predict.hpp"
#include "mirkit/pipeline/stream.hpp"

namespace mirkit::cli {
namespace {

struct PredictCommand {
  pipeline::PredictOptions options;
  BatchFlags flags;
  std::vector<std::string> positional;
  double segment_s = 0.0;
  double hop_s = 0.0;
  double min_prob = 0.0;
  double stream_every_s = 0.0;
  double stream_history_s = pipeline::StreamOptions{}.history_s;
  std::string raw_format;
  int raw_rate = 0;
  int raw_channels = 1;
  CLI::Option* aggregate = nullptr;
  CLI::Option* stream_history = nullptr;
  CLI::Option* raw_rate_option = nullptr;
};

// `mirkit predict MODEL -`: the audio on standard input, labelled as it arrives.
ExitCode run_stream(PredictCommand& command, Log& log) {
  const pipeline::PredictOptions& batch = command.options;
  if (command.positional.size() != 2 || !batch.batch.inputs.files_from.empty()) {
    throw usage_error("predict: '-' (audio on standard input) is the only input of a stream");
  }
  if (batch.update || batch.per_segment) {
    throw usage_error(std::string("predict: ") + (batch.update ? "--update" : "--per-segment") +
                      " is for files; a stream writes its rows as they come");
  }
  pipeline::StreamOptions options;
  options.model = command.positional.front();
  if (command.stream_every_s > 0.0) options.every_s = command.stream_every_s;
  options.history_s = command.stream_history_s;
  if (!command.raw_format.empty()) {
    options.raw = io::RawFormat{command.raw_format, command.raw_rate, command.raw_channels};
  }
  options.windowing = batch.windowing;
  options.top_k = batch.top_k;
  options.min_prob = batch.min_prob;
  options.unknown_label = batch.unknown_label;
  const std::filesystem::path& output = batch.batch.output;
  pipeline::StreamSummary summary;
  if (pipeline::writes_stdout(output)) {
    summary = pipeline::predict_stream(options, STDIN_FILENO, std::cout);
  } else {
    options.jsonl = output.extension() == ".jsonl";
    std::ofstream file(output, std::ios::binary | std::ios::trunc);
    if (!file) throw fatal_error("cannot write " + output.string());
    summary = pipeline::predict_stream(options, STDIN_FILENO, file);
  }
  char line[160];
  std::snprintf(line, sizeof(line),
                "labelled %lld rows over %.1f s of audio from standard input; the slowest row "
                "took %.1f ms after its last sample was decoded",
                static_cast<long long>(summary.rows), summary.audio_s,
                1000.0 * summary.slowest_row_s);
  log.summary(line, {{"rows", summary.rows},
                     {"audio_s", summary.audio_s},
                     {"slowest_row_s", summary.slowest_row_s}});
  return ExitCode::success;
}

ExitCode run_predict(PredictCommand& command, Log& log) {
  require_existing_input(command.positional.front());
  pipeline::PredictOptions& options = command.options;
  if (command.segment_s > 0.0) options.windowing.segment_s = command.segment_s;
  if (command.hop_s > 0.0) options.windowing.hop_s = command.hop_s;
  if (command.min_prob > 0.0) options.min_prob = command.min_prob;
  const bool stream = std::find(command.positional.begin() + 1, command.positional.end(), "-") !=
                      command.positional.end();
  if (command.aggregate->count() > 0 && command.segment_s <= 0.0 && !stream) {
    throw usage_error("--aggregate needs --segment (or a stream: '-' as the input)");
  }
  if (!stream && (command.stream_every_s > 0.0 || command.stream_history->count() > 0 ||
                  !command.raw_format.empty())) {
    throw usage_error(
        "--stream-every, --stream-history and --raw-format are for audio on standard input: "
        "give '-' as the input");
  }
  if (!command.raw_format.empty() && command.raw_rate_option->count() == 0) {
    throw usage_error("--raw-format needs --rate (raw PCM has no header to say it)");
  }
  if (stream) return run_stream(command, log);

  command.flags.apply(options.batch);
  options.model = command.positional.front();
  options.batch.inputs.paths.assign(command.positional.begin() + 1, command.positional.end());
  pipeline::PredictSummary summary;
  {
    BatchProgressBar bar(log);
    options.batch.on_progress = bar.callback();
    summary = pipeline::predict(options, log, std::cin, std::cout);
  }
  std::string line = "labelled " + std::to_string(summary.files) + " files (" +
                     std::to_string(summary.predicted) + " now";
  if (summary.kept) line += ", " + std::to_string(summary.kept) + " unchanged";
  if (summary.missing_kept) line += ", " + std::to_string(summary.missing_kept) + " missing kept";
  line += ")";
  if (!pipeline::writes_stdout(options.batch.output))
    line += " in " + options.batch.output.string();
  if (summary.dropped > summary.missing_kept) {
    line += "; " + std::to_string(summary.dropped - summary.missing_kept) +
            " rows of vanished files dropped";
  }
  if (summary.failed) {
    line += "; " + std::to_string(summary.failed) + " failed";
    if (!summary.errors_path.empty()) line += ", listed in " + summary.errors_path.string();
  }
  log.summary(line, {{"files", summary.files},
                     {"labelled", summary.predicted},
                     {"unchanged", summary.kept},
                     {"vanished", summary.dropped},
                     {"vanished_kept", summary.missing_kept},
                     {"failed", summary.failed}});
  return summary.failed == 0 ? ExitCode::success : ExitCode::some_inputs_failed;
}

}  // namespace

void add_predict_command(CLI::App& app, Runner& runner) {
  auto command = std::make_shared<PredictCommand>();
  pipeline::PredictOptions& options = command->options;
  CLI::App* sub =
      app.add_subcommand("predict", "Label audio files (or feature files) with a model");
  sub->add_option("inputs", command->positional,
                  "MODEL, then audio files, folders, manifests or feature files")
      ->required();
  sub->add_option("--files-from", options.batch.inputs.files_from,
                  "Read more audio paths from FILE, one per line ('-' for stdin)");
  sub->add_flag("--null", options.batch.inputs.null_separated,
                "The --files-from list is NUL-separated");
  sub->add_option("-o,--output", options.batch.output,
                  "labels.csv or labels.jsonl; '-' for CSV on stdout")
      ->check(existing_output_folder());
  add_batch_options(*sub, options.batch, command->flags);
  sub->add_option("--top-k", options.top_k, "Only the K most probable classes per row")
      ->check(CLI::Range(1, 100000));
  CLI::Option* segment =
      sub->add_option(
             "--segment", command->segment_s,
             "Cut each file into segments of this many seconds and aggregate their predictions")
          ->check(CLI::PositiveNumber);
  sub->add_option("--hop", command->hop_s,
                  "Neural networks: seconds between the starts of the windows scored (default: "
                  "half a window, so they overlap by half; the last one ends at the clip's end)")
      ->check(CLI::PositiveNumber);
  command->aggregate =
      sub->add_option("--aggregate", options.windowing.aggregate,
                      "With --segment or a stream: how segments (a network's windows) combine: "
                      "mean, vote or max (neural networks also: attention)")
          ->check(CLI::IsMember({"mean", "vote", "max", "attention"}));
  sub->add_flag("--per-segment", options.per_segment, "With --segment: also one row per segment")
      ->needs(segment);
  CLI::Option* update =
      sub->add_flag("--update,--resume", options.update,
                    "Keep the output's rows whose file (path, size, modification time), model and "
                    "settings are unchanged, and label only the rest: new, changed or unfinished "
                    "files. Rows of vanished files are dropped");
  sub->add_flag("--keep-missing", options.keep_missing,
                "With --update: keep the rows of files that are no longer among the inputs")
      ->needs(update);
  sub->add_option("--min-prob", command->min_prob,
                  "Open set: label a row whose most probable class is below P as --unknown-label")
      ->check(CLI::Range(0.0, 1.0));
  sub->add_option("--unknown-label", options.unknown_label, "The label of rows below --min-prob");
  sub->add_option("--stream-every", command->stream_every_s,
                  "With '-' (audio on stdin): a row every S seconds of audio, on the last "
                  "--stream-history seconds, as the audio arrives (default: one row at the end)")
      ->check(CLI::PositiveNumber);
  command->stream_history =
      sub->add_option("--stream-history", command->stream_history_s,
                      "With --stream-every: the seconds of audio each row looks back over")
          ->check(CLI::PositiveNumber);
  sub->add_option("--raw-format", command->raw_format,
                  "With '-': the audio is headerless PCM of this encoding (little-endian)")
      ->check(CLI::IsMember(io::raw_encodings()));
  command->raw_rate_option =
      sub->add_option("--rate", command->raw_rate, "With --raw-format: its sample rate, Hz")
          ->check(CLI::Range(1000, 768000));
  sub->add_option("--channels", command->raw_channels,
                  "With --raw-format: its channels, interleaved")
      ->check(CLI::Range(1, 64));
  sub->footer(
      "MODEL is a model file from train, or a neural network from scripts/export_torch.py.\n"
      "Raw audio is analysed with the recipe stored in the model, so no extract step is needed.\n"
      "A feature file must come from that same recipe (its config hash is checked). Rows follow\n"
      "the input order: path, label (tags joined by ';'), then every class's probability.\n"
      "Beside the output, OUTPUT.json records the model and recipe hashes, the mirkit version\n"
      "and what each row was made from; the output and it are rewritten atomically every few\n"
      "seconds, so --update after a kill, or in the next cron run, labels only what changed and\n"
      "gives the same bytes as a fresh run. Without --update every file is labelled afresh.\n\n"
      "Examples:\n"
      "  mirkit predict svm.safetensors new_music/ -o labels.csv -j 2\n"
      "  mirkit predict svm.safetensors inbox/ -o labels.csv --update     # nightly, from cron\n"
      "  mirkit predict svm.safetensors inbox/ -o - --min-prob 0.5 | grep ',unknown,'\n"
      "  mirkit predict svm.safetensors long.flac --segment 10 --aggregate vote --per-segment\n"
      "  mirkit predict cnn.safetensors songs/ --hop 0.25 -o labels.csv   # windows every 0.25 s\n"
      "  mirkit predict svm.safetensors test.safetensors --top-k 3 -o top3.jsonl\n\n"
      "A live stream: '-' reads audio from standard input (WAV, AIFF, AU, FLAC or Ogg with its\n"
      "header, or raw PCM with --raw-format, --rate and --channels). With --stream-every S a row\n"
      "is written and flushed every S seconds of audio as it arrives: start_s, end_s, label,\n"
      "probabilities, the model's verdict on the last --stream-history seconds (its windows\n"
      "aggregated by --aggregate: a moving mean, vote, max or attention), exactly what a file of\n"
      "those seconds would get. Memory holds those seconds only. Without it, the whole stream is\n"
      "one clip, labelled when it ends.\n"
      "  arecord -f S16_LE -r 22050 -c 1 -t raw | mirkit predict cnn.safetensors - --raw-format "
      "s16le --rate 22050 --stream-every 2\n"
      "  sox long.flac -t wav - | mirkit predict cnn.safetensors - --stream-every 5 "
      "--stream-history 20 --aggregate vote");
  sub->final_callback(
      [command, &runner] { runner = [command](Log& log) { return run_predict(*command, log); }; });
}

}  // namespace mirkit::cli
