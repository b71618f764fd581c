// mirkit merge: feature files (the shards of one run, or separate runs) → one feature file.
#include <memory>

#include "command.hpp"
#include "mirkit/core/file_io.hpp"
#include "mirkit/pipeline/feature_ops.hpp"

namespace mirkit::cli {
namespace {

struct MergeCommand {
  std::vector<std::string> inputs;
  std::string output;
  bool partial = false;
};

ExitCode run_merge(const MergeCommand& command, Log& log) {
  for (const std::string& input : command.inputs)
    require_existing_input(input);

  // Each file's header first (its rows are read item by item while the result is written).
  bool refused = false;
  const auto check_shards = [&](const std::vector<pipeline::FeatureFile>& files) {
    const std::vector<int> missing = pipeline::missing_shards(files);
    if (missing.empty()) return true;
    std::string list;
    for (const int i : missing)
      list += (list.empty() ? "" : ", ") + std::to_string(i) + "/" +
              std::to_string(files.front().shard->second);
    const std::string what = "shard" + std::string(missing.size() > 1 ? "s " : " ") + list +
                             " of this run " + (missing.size() > 1 ? "are" : "is") + " missing";
    if (!command.partial) {
      // A Slurm afterok chain must not publish half a data set: nothing is written.
      log.error(Error(what + "; nothing written (--partial joins the shards given)",
                      ErrorKind::input, command.output, "merge"));
      refused = true;
      return false;
    }
    log.warning("merge: " + what +
                ": the result is a new collection of the shards given, not the whole run");
    return true;
  };
  const std::vector<std::filesystem::path> inputs(command.inputs.begin(), command.inputs.end());
  const std::optional<std::size_t> items =
      pipeline::merge_feature_files(inputs, command.output, check_shards);
  if (refused || !items) return ExitCode::some_inputs_failed;
  log.info("wrote " + command.output + ": " + std::to_string(*items) + " items from " +
           std::to_string(command.inputs.size()) + " files");
  return ExitCode::success;
}

}  // namespace

void add_merge_command(CLI::App& app, Runner& runner) {
  auto command = std::make_shared<MergeCommand>();
  CLI::App* sub = app.add_subcommand("merge", "Join feature files made with the same config");
  sub->add_option("inputs", command->inputs, "Feature files (.safetensors)")->required();
  sub->add_option("-o,--output", command->output, "The joined feature file")
      ->check(existing_output_folder())
      ->required();
  sub->add_flag("--partial", command->partial,
                "Join some shards of a run, not all: a new collection of those given");
  sub->footer(
      "Refuses files whose config hashes differ, naming both. The shards of one run\n"
      "(extract --shard I/N, every I once) are put back in the run's order: the result is\n"
      "byte-identical to extracting everything in one run. Some shards of a run but not all:\n"
      "refused (exit 1, naming the missing ones, nothing written), so a Slurm afterok chain\n"
      "cannot publish half a data set; --partial joins them as a new collection.\n\n"
      "Examples:\n"
      "  mirkit merge part-*.safetensors -o all.safetensors\n"
      "  mirkit merge rock.safetensors jazz.safetensors -o both.safetensors");
  sub->final_callback(
      [command, &runner] { runner = [command](Log& log) { return run_merge(*command, log); }; });
}

}  // namespace mirkit::cli
