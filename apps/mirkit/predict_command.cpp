// mirkit predict: a model and audio (or feature files) → labels, one row per file.
#include <iostream>
#include <memory>

#include "command.hpp"
#include "mirkit/core/parallel.hpp"
#include "mirkit/pipeline/predict.hpp"
#include "progress_bar.hpp"

namespace mirkit::cli {
namespace {

struct PredictCommand {
  pipeline::PredictOptions options;
  std::vector<std::string> positional;
  std::string aggregate = "mean";
  std::string root;
  double segment_s = 0.0;
};

ExitCode run_predict(PredictCommand& command, Log& log) {
  pipeline::PredictOptions& options = command.options;
  options.model = command.positional.front();
  options.inputs.paths.assign(command.positional.begin() + 1, command.positional.end());
  options.aggregate = command.aggregate;
  if (command.segment_s > 0.0) options.segment_s = command.segment_s;
  if (!command.root.empty()) options.gather.root = command.root;
  if (options.jobs <= 0) options.jobs = hardware_threads();
  ProgressBar bar(stderr_is_terminal() && log.verbosity() != Verbosity::quiet);
  options.on_progress = [&bar](std::size_t done, std::size_t total, std::size_t failed, double s) {
    bar.update(done, total, failed, 0.0, s);
  };
  pipeline::PredictSummary summary;
  { summary = pipeline::predict(options, log, std::cin); }
  std::string line = "labelled " + std::to_string(summary.files) + " files (" +
                     std::to_string(summary.predicted) + " now";
  if (summary.resumed) line += ", " + std::to_string(summary.resumed) + " kept from before";
  line += ")";
  if (!options.output.empty()) line += " in " + options.output.string();
  if (summary.failed) line += "; " + std::to_string(summary.failed) + " failed";
  log.info(line);
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
  sub->add_option("--files-from", options.inputs.files_from,
                  "Read more audio paths from FILE, one per line ('-' for stdin)");
  sub->add_flag("--null", options.inputs.null_separated, "The --files-from list is NUL-separated");
  sub->add_option("-o,--output", options.output,
                  "labels.csv or labels.jsonl (default: CSV on stdout)");
  sub->add_option("--errors", options.errors, "JSONL log of the files that failed");
  sub->add_option("--top-k", options.top_k, "Only the K most probable classes per row")
      ->check(CLI::Range(1, 100000));
  sub->add_option(
         "--segment", command->segment_s,
         "Cut each file into segments of this many seconds and aggregate their predictions")
      ->check(CLI::PositiveNumber);
  sub->add_option("--aggregate", command->aggregate,
                  "How segments combine: mean, vote or max (neural networks also: attention)")
      ->check(CLI::IsMember({"mean", "vote", "max", "attention"}));
  sub->add_flag("--per-segment", options.per_segment, "With --segment: also one row per segment");
  sub->add_option("-j,--jobs", options.jobs, "Threads over files (0: one per core)")
      ->check(CLI::Range(0, 1024));
  sub->add_flag("--resume", options.resume,
                "Keep the rows already in the output and label only the files not in it");
  sub->add_option("--lock", options.lock,
                  "Lock file that keeps a second run off the same output (default: OUTPUT.lock)");
  sub->add_option("--root", command->root, "Paths in the output relative to this folder");
  sub->footer(
      "MODEL is a model file from train, or a neural network from scripts/export_torch.py.\n"
      "Raw audio is analysed with the recipe stored in the model, so no extract step is needed.\n"
      "A feature file must come from that same recipe (its config hash is checked). Rows follow\n"
      "the input order: path, label (tags joined by ';'), then every class's probability.\n"
      "The output is rewritten atomically every few seconds, so --resume after a kill, or in the\n"
      "next cron run, labels only what is missing.\n\n"
      "Examples:\n"
      "  mirkit predict svm.safetensors new_music/ -o labels.csv -j 2\n"
      "  mirkit predict svm.safetensors long.flac --segment 10 --aggregate vote --per-segment\n"
      "  mirkit predict svm.safetensors test.safetensors --top-k 3 -o top3.jsonl");
  sub->final_callback(
      [command, &runner] { runner = [command](Log& log) { return run_predict(*command, log); }; });
}

}  // namespace mirkit::cli
