// What the subcommand files share: the global flags, the input flags, and the hook through which
// a parsed subcommand hands main() the work to run. Each subcommand lives in its own file and
// only fills an option struct and calls the library.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>

#include "mirkit/core/exit_code.hpp"
#include "mirkit/core/log.hpp"
#include "mirkit/io/input_list.hpp"
#include "mirkit/pipeline/batch_run.hpp"

namespace mirkit::cli {

// The work of the chosen subcommand, set by its parse callback.
using Runner = std::function<ExitCode(Log& log)>;

// Checks an output path's folder at parse time: a usage error naming it when it is missing.
const CLI::Validator& existing_output_folder();

// Adds the positional inputs, --files-from and --null.
void add_input_options(CLI::App& command, io::InputSpec& inputs);

// What a batch command's flags hold until apply() moves them into the options.
struct BatchFlags {
  std::string root;
  void apply(pipeline::BatchOptions& batch) const;  // --root; -j 0 → one thread per core
};
// Adds -j, --errors, --lock, --checkpoint-seconds and --root.
void add_batch_options(CLI::App& command, pipeline::BatchOptions& batch, BatchFlags& flags);

class ProgressBar;
// The progress line of a batch on a terminal (silent in cron, in pipes and with --quiet).
class BatchProgressBar {
 public:
  explicit BatchProgressBar(const Log& log);
  ~BatchProgressBar();
  std::function<void(const pipeline::BatchProgress&)> callback();

 private:
  std::unique_ptr<ProgressBar> bar_;
};

// The subcommands, one file each.
void add_dataset_command(CLI::App& app, Runner& runner);
void add_extract_command(CLI::App& app, Runner& runner);
void add_evaluate_command(CLI::App& app, Runner& runner);
void add_explain_command(CLI::App& app, Runner& runner);
void add_export_command(CLI::App& app, Runner& runner);
void add_info_command(CLI::App& app, Runner& runner);
void add_list_command(CLI::App& app, Runner& runner);
void add_merge_command(CLI::App& app, Runner& runner);
void add_plot_command(CLI::App& app, Runner& runner);
void add_predict_command(CLI::App& app, Runner& runner);
void add_prune_command(CLI::App& app, Runner& runner);
void add_split_command(CLI::App& app, Runner& runner);
void add_train_command(CLI::App& app, Runner& runner);

}  // namespace mirkit::cli
