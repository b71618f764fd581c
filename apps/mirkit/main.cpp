// mirkit: the command-line front of the library. Parses flags, runs one subcommand, and maps
// what happened to the exit codes of DESIGN.md.
#include <malloc.h>
#include <sndfile.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <csignal>
#include <exception>
#include <iostream>
#include <string>

#include "command.hpp"
#include "mirkit/core/params.hpp"
#include "mirkit/version.hpp"

namespace {

std::string version_text() {
  return std::string("mirkit ") + mirkit::kVersion + " (" + sf_version_string() + ")";
}

// The log format asked for, read before parsing, so that argument errors follow it too.
mirkit::LogFormat log_format_in(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--log-format=json" ||
        (arg == "--log-format" && i + 1 < argc && std::string(argv[i + 1]) == "json")) {
      return mirkit::LogFormat::json;
    }
  }
  return mirkit::LogFormat::text;
}

// "did you mean" for a misspelled subcommand or option: the first word that is neither.
std::string suggestion_for(const CLI::App& app, int argc, char** argv) {
  const std::vector<CLI::App*> chosen = app.get_subcommands();
  const CLI::App* command = chosen.empty() ? nullptr : chosen.front();
  std::vector<std::string> commands;
  for (const CLI::App* sub : app.get_subcommands({}))
    commands.push_back(sub->get_name());
  std::vector<std::string> options;
  for (const CLI::App* scope : std::vector<const CLI::App*>{&app, command}) {
    if (!scope) continue;
    for (const CLI::Option* option : scope->get_options()) {
      for (const std::string& name : option->get_lnames())
        options.push_back("--" + name);
    }
  }
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) == 0) {
      arg = arg.substr(0, arg.find('='));
      if (std::find(options.begin(), options.end(), arg) != options.end()) continue;
      if (auto near = mirkit::closest_name(arg, options)) return " (did you mean '" + *near + "'?)";
    } else if (!command && arg[0] != '-') {
      if (auto near = mirkit::closest_name(arg, commands))
        return " (did you mean '" + *near + "'?)";
    }
  }
  return {};
}

}  // namespace

// A clip's buffers (the decoded signal, its spectrogram, …) are a few megabytes each, above
// glibc's threshold for mapping a block of its own; freed, such a block goes back to the kernel,
// and the next file's is mapped afresh: about 1,700 fresh pages per 30 s clip, cleared by the
// kernel, a third of a light recipe's time. Kept in the heap instead (blocks below 64 MiB; free
// memory returned only past 128 MiB), the next file reuses the same pages: page faults and RSS
// stay flat from file to file (bench/extract_throughput.sh measures both). The program's choice,
// not the library's: a program that links mirkit::core keeps its own allocator policy.
static void keep_freed_memory_for_the_next_file() {
  constexpr int kMiB = 1 << 20;
  mallopt(M_MMAP_THRESHOLD, 64 * kMiB);
  mallopt(M_TRIM_THRESHOLD, 128 * kMiB);
}

int main(int argc, char** argv) {
  using mirkit::ExitCode;
  // Past a file size limit (ulimit -f) a write fails with EFBIG, reported like a full disk,
  // instead of the default SIGXFSZ killing the process without a word.
  std::signal(SIGXFSZ, SIG_IGN);
  keep_freed_memory_for_the_next_file();
  CLI::App app{"mirkit: batch music classification (features, models, predictions)", "mirkit"};
  app.set_version_flag("--version", version_text());
  app.require_subcommand(1);
  app.fallthrough();  // global flags may come after the subcommand too
  // Every option's default shows in --help; the subcommands inherit this.
  app.option_defaults()->always_capture_default();

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
  mirkit::cli::add_dataset_command(app, runner);
  mirkit::cli::add_plot_command(app, runner);
  mirkit::cli::add_explain_command(app, runner);
  mirkit::cli::add_prune_command(app, runner);

  // `mirkit` alone and `mirkit help [COMMAND]` print usage.
  if (argc == 1) {
    std::cerr << app.help();
    return static_cast<int>(ExitCode::usage);
  }
  if (std::string(argv[1]) == "help") {
    const CLI::App* command = nullptr;
    if (argc > 2) {
      try {
        command = app.get_subcommand(argv[2]);
      } catch (const CLI::OptionNotFound&) {
      }
    }
    std::cout << (command ? command->help("mirkit") : app.help());
    return command || argc == 2 ? 0 : static_cast<int>(ExitCode::usage);
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // CLI11 uses codes ≥ 100 for its own errors; ours are 0 (help, version) or 2 (usage), and
    // its messages get our prefix, the log format and a "did you mean".
    if (error.get_exit_code() == 0) return app.exit(error);
    mirkit::Log log(std::cerr, log_format_in(argc, argv));
    log.error(mirkit::usage_error(std::string(error.what()) + suggestion_for(app, argc, argv) +
                                  "; see 'mirkit --help'"));
    return static_cast<int>(ExitCode::usage);
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
