// mirkit prune: a network model file → a smaller one, its weakest convolution channels removed,
// optionally fine-tuned.
#include <cstdio>
#include <memory>
#include <string>

#include "command.hpp"
#include "mirkit/core/parallel.hpp"
#include "mirkit/pipeline/prune.hpp"

namespace mirkit::cli {
namespace {

struct PruneCommand {
  pipeline::PruneOptions options;
  std::uint64_t seed = 0;
  bool seed_given = false;
};

ExitCode run_prune(PruneCommand& command, Log& log) {
  pipeline::PruneOptions& options = command.options;
  if (command.seed_given) options.seed = command.seed;
  if (options.jobs <= 0) options.jobs = hardware_threads();
  const pipeline::PruneSummary summary = pipeline::prune(options, log);
  const nn::PruneReport& report = summary.report;
  for (const nn::PrunedLayer& layer : report.pruned) {
    log.info("layer " + std::to_string(layer.layer) + ": " + std::to_string(layer.before) + " → " +
             std::to_string(layer.after) + " channels (by " + layer.ranked_by + ")");
  }
  for (const nn::KeptLayer& layer : report.kept)
    log.info("layer " + std::to_string(layer.layer) + " kept whole: " + layer.reason);
  char line[256];
  std::snprintf(line, sizeof(line), "wrote %s: %lld → %lld parameters (%.0f %%), %.0f → %.0f KiB",
                options.output.string().c_str(), static_cast<long long>(report.parameters_before),
                static_cast<long long>(report.parameters_after),
                100.0 * static_cast<double>(report.parameters_after) /
                    static_cast<double>(report.parameters_before),
                static_cast<double>(summary.bytes_before) / 1024,
                static_cast<double>(summary.bytes_after) / 1024);
  std::string text = line;
  if (summary.best_epoch > 0)
    text += ", fine-tuned, kept epoch " + std::to_string(summary.best_epoch);
  log.info(text);
  return ExitCode::success;
}

}  // namespace

void add_prune_command(CLI::App& app, Runner& runner) {
  auto command = std::make_shared<PruneCommand>();
  pipeline::PruneOptions& options = command->options;
  CLI::App* sub = app.add_subcommand(
      "prune", "Remove a network's weakest convolution channels, then fine-tune");
  sub->add_option("model", options.model, "A network model file (.safetensors)")->required();
  sub->add_option("-o,--output", options.output, "The smaller model file to write")
      ->check(existing_output_folder())
      ->required();
  sub->add_option("--channels", options.channels,
                  "The fraction of each prunable convolution's channels to remove")
      ->check(CLI::Range(0.0, 0.99));
  sub->add_option("--features", options.features,
                  "Labelled frames to fine-tune on (extracted with the model's recipe)");
  sub->add_option("--fine-tune-epochs", options.fine_tune_epochs,
                  "Epochs of fine-tuning after the cut (0: none; needs --features)")
      ->check(CLI::Range(0, 100000));
  sub->add_option("--set", options.overrides,
                  "Override a fine-tuning setting: key=value (learning_rate=0.0005, "
                  "augment.mixup_alpha=0.2); repeatable");
  sub->add_option("--seed", command->seed, "Seed of fine-tuning (default: the model's recipe's)")
      ->each([command](const std::string&) { command->seed_given = true; });
  sub->add_option("-j,--jobs", options.jobs,
                  "Threads (0: one per core); results do not depend on it")
      ->check(CLI::Range(0, 1024));
  sub->footer(
      "Structured pruning: each convolution whose channels flow plainly to the next convolution\n"
      "or, through global pooling or flatten, to a linear layer (only batch norms, activations,\n"
      "dropout and local pooling between) loses the given fraction of its output channels, those\n"
      "of smallest magnitude: the |scale| of the batch norm after it, or the L1 norm of its\n"
      "filter. The result is a smaller dense network (narrower tensors, fewer operations) with\n"
      "the same input shape and classes, which evaluate and predict use like any network. Other\n"
      "convolutions (grouped, or feeding a residual, concat, recurrent or permute layer) are kept\n"
      "whole and named. The model file records what was removed (mirkit info: \"pruning\").\n\n"
      "--fine-tune-epochs N then trains every layer on for N epochs from the pruned weights, with\n"
      "the recipe the model was trained with at a tenth of its learning rate (--set overrides).\n\n"
      "Examples:\n"
      "  mirkit prune cnn.safetensors --channels 0.5 -o cnn-half.safetensors\n"
      "  mirkit prune cnn.safetensors --channels 0.5 --features logmel-train.safetensors "
      "--fine-tune-epochs 10 -o cnn-half.safetensors -j 2");
  sub->final_callback(
      [command, &runner] { runner = [command](Log& log) { return run_prune(*command, log); }; });
}

}  // namespace mirkit::cli
