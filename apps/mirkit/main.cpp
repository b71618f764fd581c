// mirkit: the command-line front of the library. Parses flags, runs one subcommand, and maps
// what happened to the exit codes of DESIGN.md.
#include <sndfile.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <exception>
#include <iostream>
#include <string>

#include "command.hpp"
#include "mirkit/version.hpp"

namespace {

std::string version_text() {
  return std::string("mirkit ") + mirkit::kVersion + " (" + sf_version_string() + ")";
}

}  // namespace

int main(int argc, char** argv) {
  using mirkit::ExitCode;
  // Past a file size limit (ulimit -f) a write fails with EFBIG, reported like a full disk,
  // instead of the default SIGXFSZ killing the process without a word.
  std::signal(SIGXFSZ, SIG_IGN);
  CLI::App app{"mirkit: batch music classification (features, models, predictions)", "mirkit"};
  app.set_version_flag("--version", version_text());
  app.require_subcommand(1);
  app.fallthrough();  // global flags may come after the subcommand too

  bool quiet = false;
  bool verbose = false;
  std::string log_format = "text";
  app.add_flag("-q,--quiet", quiet, "Only errors on stderr");
  app.add_flag("-v,--verbose", verbose, "More detail on stderr");
  app.add_option("--log-format", log_format, "Diagnostics as 'text' or 'json' lines")
      ->check(CLI::IsMember({"text", "json"}));
  app.footer(
      "Exit codes: 0 all done; 1 done, but some inputs failed (each named on stderr);\n"
      "2 usage or config error; 3 fatal (nothing usable written).\n"
      "Run 'mirkit <command> --help' for a command's options and examples.");

  mirkit::cli::Runner runner;
  mirkit::cli::add_extract_command(app, runner);
  mirkit::cli::add_train_command(app, runner);
  mirkit::cli::add_evaluate_command(app, runner);
  mirkit::cli::add_predict_command(app, runner);
  mirkit::cli::add_export_command(app, runner);
  mirkit::cli::add_info_command(app, runner);
  mirkit::cli::add_list_command(app, runner);
  mirkit::cli::add_merge_command(app, runner);
  mirkit::cli::add_split_command(app, runner);
  mirkit::cli::add_plot_command(app, runner);
  mirkit::cli::add_explain_command(app, runner);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // CLI11 uses codes ≥ 100 for its own errors; ours are 0 (help, version) or 2 (usage).
    return app.exit(error) == 0 ? 0 : static_cast<int>(ExitCode::usage);
  }

  mirkit::Log log(std::cerr,
                  log_format == "json" ? mirkit::LogFormat::json : mirkit::LogFormat::text,
                  quiet     ? mirkit::Verbosity::quiet
                  : verbose ? mirkit::Verbosity::verbose
                            : mirkit::Verbosity::normal);
  try {
    return static_cast<int>(runner(log));
  } catch (const mirkit::Error& error) {
    log.error(error);
    return static_cast<int>(mirkit::exit_code_for(error.kind()));
  } catch (const std::exception& error) {
    log.error(mirkit::fatal_error(std::string("internal error: ") + error.what()));
    return static_cast<int>(ExitCode::fatal);
  }
}
