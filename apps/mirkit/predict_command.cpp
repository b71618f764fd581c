// mirkit predict: a model and audio (or feature files) → labels, one row per file.
#include <iostream>
#include <memory>

#include "command.hpp"
#include "mirkit/core/file_io.hpp"
#include "mirkit/pipeline/predict.hpp"

namespace mirkit::cli {
namespace {

struct PredictCommand {
  pipeline::PredictOptions options;
  BatchFlags flags;
  std::vector<std::string> positional;
  double segment_s = 0.0;
  double hop_s = 0.0;
  double min_prob = 0.0;
};

ExitCode run_predict(PredictCommand& command, Log& log) {
  require_existing_input(command.positional.front());

  pipeline::PredictOptions& options = command.options;
  command.flags.apply(options.batch);
  options.model = command.positional.front();
  options.batch.inputs.paths.assign(command.positional.begin() + 1, command.positional.end());
  if (command.segment_s > 0.0) options.windowing.segment_s = command.segment_s;
  if (command.hop_s > 0.0) options.windowing.hop_s = command.hop_s;
  if (command.min_prob > 0.0) options.min_prob = command.min_prob;
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
  sub->add_option("--aggregate", options.windowing.aggregate,
                  "With --segment: how segments combine: mean, vote or max (neural networks "
                  "also: attention)")
      ->check(CLI::IsMember({"mean", "vote", "max", "attention"}))
      ->needs(segment);
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
      "  mirkit predict svm.safetensors test.safetensors --top-k 3 -o top3.jsonl");
  sub->final_callback(
      [command, &runner] { runner = [command](Log& log) { return run_predict(*command, log); }; });
}

}  // namespace mirkit::cli
