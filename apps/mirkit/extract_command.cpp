// mirkit extract: audio folders, files and manifests → one feature file.
#include <iostream>
#include <memory>

#include "command.hpp"
#include "mirkit/pipeline/extract.hpp"

namespace mirkit::cli {
namespace {

struct ExtractCommand {
  pipeline::ExtractOptions options;
  BatchFlags flags;
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
  command.flags.apply(options.batch);
  options.batch.gather.labels_from_folders = !command.no_labels;
  if (!command.shard.empty()) options.batch.shard = pipeline::Shard::parse(command.shard);
  if (!command.update.empty()) options.update = command.update;
  if (command.update_in_place) options.update = options.batch.output;

  pipeline::ExtractSummary summary;
  {
    BatchProgressBar bar(log);
    options.batch.on_progress = bar.callback();
    summary = pipeline::extract(options, log, std::cin);
  }
  std::string line = "wrote " + options.batch.output.string() + ": " +
                     std::to_string(summary.items) + " items (" +
                     std::to_string(summary.extracted) + " extracted";
  if (summary.reused) line += ", " + std::to_string(summary.reused) + " unchanged";
  if (summary.resumed) line += ", " + std::to_string(summary.resumed) + " from the checkpoint";
  line += "), " + seconds_text(summary.audio_seconds) + " s of audio in " +
          seconds_text(summary.wall_seconds) + " s";
  if (summary.failed) {
    line += "; " + std::to_string(summary.failed) + " failed, listed in " +
            summary.errors_path.string();
  }
  log.summary(line, {{"items", summary.items},
                     {"extracted", summary.extracted},
                     {"unchanged", summary.reused},
                     {"from_checkpoint", summary.resumed},
                     {"failed", summary.failed},
                     {"audio_seconds", summary.audio_seconds},
                     {"wall_seconds", summary.wall_seconds}});
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
  add_input_options(*sub, options.batch.inputs);
  sub->add_option("-c,--config", options.config,
                  "Feature recipe (JSON), e.g. configs/features/gtzan.json")
      ->required();
  sub->add_option("-o,--output", options.batch.output, "The feature file to write (.safetensors)")
      ->check(existing_output_folder())
      ->required();
  add_batch_options(*sub, options.batch, command->flags);
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
