// mirkit extract: audio folders, files and manifests → one feature file.
#include <iostream>
#include <memory>

#include "command.hpp"
#include "mirkit/core/parallel.hpp"
#include "mirkit/pipeline/extract.hpp"
#include "progress_bar.hpp"

namespace mirkit::cli {
namespace {

struct ExtractCommand {
  pipeline::ExtractOptions options;
  std::string root;
  std::string update;
  std::string shard;
  bool no_labels = false;
  bool update_in_place = false;
};

std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f", seconds);
  return text;
}

ExitCode run_extract(ExtractCommand& command, Log& log) {
  pipeline::ExtractOptions& options = command.options;
  if (!command.root.empty()) options.gather.root = command.root;
  options.gather.labels_from_folders = !command.no_labels;
  if (!command.shard.empty()) options.shard = pipeline::Shard::parse(command.shard);
  if (!command.update.empty()) options.update = command.update;
  if (command.update_in_place) options.update = options.output;
  if (options.jobs <= 0) options.jobs = hardware_threads();

  ProgressBar bar(stderr_is_terminal() && log.verbosity() != Verbosity::quiet);
  options.on_progress = [&bar](const pipeline::ExtractProgress& p) {
    bar.update(p.done, p.total, p.failed, p.audio_seconds, p.elapsed_seconds);
  };
  pipeline::ExtractSummary summary;
  { summary = pipeline::extract(options, log, std::cin); }
  std::string line = "wrote " + options.output.string() + ": " +
                     std::to_string(summary.selected - summary.failed) + " items (" +
                     std::to_string(summary.extracted) + " extracted";
  if (summary.reused) line += ", " + std::to_string(summary.reused) + " unchanged";
  if (summary.resumed) line += ", " + std::to_string(summary.resumed) + " from the checkpoint";
  line += "), " + seconds_text(summary.audio_seconds) + " s of audio in " +
          seconds_text(summary.wall_seconds) + " s";
  if (summary.failed) {
    line += "; " + std::to_string(summary.failed) + " failed, listed in " +
            summary.errors_path.string();
  }
  log.info(line);
  log.verbose("time in decoding + resampling " + seconds_text(summary.decode_seconds) +
              " s, in features " + seconds_text(summary.feature_seconds) +
              " s (summed over workers)");
  return summary.failed == 0 ? ExitCode::success : ExitCode::some_inputs_failed;
}

}  // namespace

void add_extract_command(CLI::App& app, Runner& runner) {
  auto command = std::make_shared<ExtractCommand>();
  pipeline::ExtractOptions& options = command->options;
  CLI::App* sub =
      app.add_subcommand("extract", "Audio files, folders or manifests → a feature file");
  add_input_options(*sub, options.inputs);
  sub->add_option("-c,--config", options.config,
                  "Feature recipe (JSON), e.g. configs/features/gtzan.json")
      ->required();
  sub->add_option("-o,--output", options.output, "The feature file to write (.safetensors)")
      ->required();
  sub->add_option("-j,--jobs", options.jobs, "Worker threads over files (0: one per core)")
      ->check(CLI::Range(0, 1024));
  sub->add_option("--errors", options.errors,
                  "JSONL log of the inputs that failed (default: OUTPUT minus its extension "
                  "+ .errors.jsonl)");
  sub->add_option("--root", command->root,
                  "Store input paths relative to this folder (default: the current folder)");
  sub->add_flag("--no-labels", command->no_labels,
                "Do not label files found in folders by their parent folder's name");
  sub->add_flag("--resume", options.resume,
                "Continue an interrupted run from OUTPUT.journal: only the inputs not yet "
                "checkpointed are analysed");
  auto* update = sub->add_option("--update", command->update,
                                 "Reuse the items of this earlier feature file whose audio is "
                                 "unchanged (same path, size, mtime; or content with --hash)");
  sub->add_flag(
         "-u,--update-in-place", command->update_in_place,
         "As --update OUTPUT: refresh the output itself, analysing only new or changed files")
      ->excludes(update);
  sub->add_flag("--hash", options.content_hash,
                "Record each input's content hash (FNV-1a 64) and key --update by it");
  sub->add_option("--shard", command->shard,
                  "Analyse only shard I of N (I/N, 0 ≤ I < N) of the inputs, by a stable hash "
                  "of each path; default from SLURM_ARRAY_TASK_ID/COUNT when set");
  sub->add_option("--lock", options.lock,
                  "Lock file that keeps a second run off the same output (default: OUTPUT.lock)");
  sub->add_option("--checkpoint-seconds", options.checkpoint_seconds,
                  "Seconds between checkpoints of finished inputs")
      ->check(CLI::Range(0.0, 3600.0));
  sub->footer(
      "Labels come from the folder holding each file (GTZAN layout: genre/xyz.wav), from the\n"
      "manifest (path,label[,group][,start][,duration]; multi-label as a;b;c), or none.\n"
      "A file that cannot be read is named on stderr and in the error log, the others go on;\n"
      "the exit code is then 1. Same inputs and config: byte-identical output for any -j.\n\n"
      "Examples:\n"
      "  mirkit extract data/demo -c configs/features/gtzan.json -o demo.safetensors -j 2\n"
      "  mirkit extract labels.csv -c configs/features/mfcc.json -o train.safetensors\n"
      "  mirkit extract music/ -c gtzan.json -o all.safetensors --resume     # after a kill\n"
      "  mirkit extract music/ -c gtzan.json -o all.safetensors -u           # new files only\n"
      "  mirkit extract music/ -c gtzan.json -o part3.safetensors --shard 3/8\n"
      "  find music -name '*.flac' -print0 | mirkit extract --files-from - --null -c gtzan.json "
      "-o f.safetensors");
  sub->final_callback(
      [command, &runner] { runner = [command](Log& log) { return run_extract(*command, log); }; });
}

}  // namespace mirkit::cli
