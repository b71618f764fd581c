// mirkit split: a feature file → a training part and a test part, seeded, optionally stratified
// and without any group (track, artist, album) in both.
#include <memory>

#include "command.hpp"
#include "mirkit/core/file_io.hpp"
#include "mirkit/pipeline/feature_ops.hpp"

namespace mirkit::cli {
namespace {

struct SplitCommand {
  std::string input;
  std::vector<std::string> outputs;
  std::string group_by;
  std::string by_column;
  pipeline::SplitOptions options;
};

ExitCode run_split(const SplitCommand& command, Log& log) {
  require_existing_input(command.input);

  pipeline::FeatureFile file;
  try {
    file = pipeline::read_feature_file(command.input);
  } catch (const Error& error) {
    throw usage_error(std::string("split: ") + error.what());
  }
  pipeline::SplitOptions options = command.options;
  options.by_group = !command.group_by.empty();
  const pipeline::SplitResult parts = command.by_column.empty()
                                          ? pipeline::split_feature_file(file, options)
                                          : pipeline::split_by_column(file);
  pipeline::write_feature_file(command.outputs[0], parts.train);
  pipeline::write_feature_file(command.outputs[1], parts.test);
  log.info("wrote " + command.outputs[0] + " (" + std::to_string(parts.train.items.size()) +
           " items) and " + command.outputs[1] + " (" + std::to_string(parts.test.items.size()) +
           " items)");
  return ExitCode::success;
}

}  // namespace

void add_split_command(CLI::App& app, Runner& runner) {
  auto command = std::make_shared<SplitCommand>();
  CLI::App* sub = app.add_subcommand("split", "Split a feature file into training and test parts");
  sub->add_option("input", command->input, "A feature file (.safetensors)")->required();
  sub->add_option("--test", command->options.test_fraction,
                  "Fraction for the test part (of items, or of groups with --group-by)")
      ->check(CLI::Range(0.0, 1.0));
  sub->add_flag("--stratify", command->options.stratify,
                "Keep each class's share in both parts (by each item's first label)");
  sub->add_option("--group-by", command->group_by,
                  "Keep every group (the manifest's group column: track, artist…) in one part")
      ->check(CLI::IsMember({"group"}));
  sub->add_option("--seed", command->options.seed, "Seed of the draw (same seed, same split)");
  auto* by_column =
      sub->add_option("--by-column", command->by_column,
                      "The data set's own split, from the manifest's split column: train and "
                      "validation items → the training part, test items → the test part")
          ->check(CLI::IsMember({"split"}));
  by_column->excludes(sub->get_option("--test"))
      ->excludes(sub->get_option("--stratify"))
      ->excludes(sub->get_option("--group-by"))
      ->excludes(sub->get_option("--seed"));
  sub->add_option("-o,--output", command->outputs, "The training part, then the test part")
      ->check(existing_output_folder())
      ->required()
      ->expected(2);
  sub->footer(
      "Examples:\n"
      "  mirkit split demo.safetensors --test 0.25 --stratify --seed 1 -o train.safetensors "
      "test.safetensors\n"
      "  mirkit split songs.safetensors --test 0.2 --group-by group --seed 7 -o tr.safetensors "
      "te.safetensors\n"
      "  mirkit split gtzan.safetensors --by-column split -o train.safetensors test.safetensors");
  sub->final_callback(
      [command, &runner] { runner = [command](Log& log) { return run_split(*command, log); }; });
}

}  // namespace mirkit::cli
