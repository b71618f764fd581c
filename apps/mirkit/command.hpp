// What the subcommand files share: the global flags, the input flags, and the hook through which
// a parsed subcommand hands main() the work to run. Each subcommand lives in its own file and
// only fills an option struct and calls the library.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "mirkit/core/exit_code.hpp"
#include "mirkit/core/log.hpp"
#include "mirkit/io/input_list.hpp"

namespace mirkit::cli {

// The work of the chosen subcommand, set by its parse callback.
using Runner = std::function<ExitCode(Log& log)>;

// Adds the positional inputs, --files-from and --null.
void add_input_options(CLI::App& command, io::InputSpec& inputs);

// The subcommands, one file each.
void add_extract_command(CLI::App& app, Runner& runner);
void add_evaluate_command(CLI::App& app, Runner& runner);
void add_explain_command(CLI::App& app, Runner& runner);
void add_export_command(CLI::App& app, Runner& runner);
void add_info_command(CLI::App& app, Runner& runner);
void add_list_command(CLI::App& app, Runner& runner);
void add_merge_command(CLI::App& app, Runner& runner);
void add_plot_command(CLI::App& app, Runner& runner);
void add_predict_command(CLI::App& app, Runner& runner);
void add_split_command(CLI::App& app, Runner& runner);
void add_train_command(CLI::App& app, Runner& runner);

}  // namespace mirkit::cli
