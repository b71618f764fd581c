// mirkit export: a feature file as CSV, NumPy .npy or Weka ARFF.
#include <iostream>
#include <memory>

#include "command.hpp"
#include "mirkit/core/file_io.hpp"
#include "mirkit/pipeline/export.hpp"

namespace mirkit::cli {
namespace {

struct ExportCommand {
  std::string input;
  std::string format;
  std::string output;
};

ExitCode run_export(const ExportCommand& command, Log& log) {
  require_existing_input(command.input);

  const pipeline::ExportFormat format = pipeline::parse_export_format(command.format);
  pipeline::FeatureFile file;
  try {
    file = pipeline::read_feature_file(command.input);
  } catch (const Error& error) {
    throw usage_error(std::string("export: ") + error.what());
  }
  if (command.output == "-") {
    std::cout << pipeline::export_features_to_string(file, format) << std::flush;
  } else {
    pipeline::export_features(file, format, command.output);
  }
  log.info("wrote " + (command.output == "-" ? std::string("stdout") : command.output) + ": " +
           std::to_string(file.values.rows()) + " rows × " + std::to_string(file.dims()) +
           " columns");
  return ExitCode::success;
}

}  // namespace

void add_export_command(CLI::App& app, Runner& runner) {
  auto command = std::make_shared<ExportCommand>();
  CLI::App* sub = app.add_subcommand("export", "Write a feature file as CSV, NumPy .npy or ARFF");
  sub->add_option("input", command->input, "A feature file (.safetensors)")->required();
  sub->add_option("--format", command->format, "csv, npy or arff")
      ->required()
      ->check(CLI::IsMember({"csv", "npy", "arff"}));
  sub->add_option("-o,--output", command->output, "The file to write ('-': stdout)")
      ->check(existing_output_folder())
      ->required();
  sub->footer(
      "CSV and ARFF rows start with path, label (several joined by ';') and group; segment and\n"
      "frame files add the row's position in its item. Values are written as the shortest text\n"
      "that reads back to the same float32. NPY holds the values alone, rows × columns.\n\n"
      "Examples:\n"
      "  mirkit export demo.safetensors --format csv -o demo.csv\n"
      "  mirkit export demo.safetensors --format npy -o demo.npy\n"
      "  mirkit export demo.safetensors --format arff -o demo.arff    # for Weka");
  sub->final_callback(
      [command, &runner] { runner = [command](Log& log) { return run_export(*command, log); }; });
}

}  // namespace mirkit::cli
