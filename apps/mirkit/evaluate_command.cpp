// mirkit evaluate: a model against labelled features, or cross-validation of a recipe.
#include <iostream>
#include <memory>

#include "command.hpp"
#include "mirkit/core/file_io.hpp"
#include "mirkit/core/parallel.hpp"
#include "mirkit/pipeline/evaluate.hpp"
#include "mirkit/plot/report.hpp"

namespace mirkit::cli {
namespace {

struct EvaluateCommand {
  pipeline::EvaluateOptions options;
  std::vector<std::string> positional;
  std::string group_by;
  std::filesystem::path report;
  double hop_s = 0.0;
};

ExitCode run_evaluate(EvaluateCommand& command, Log& log) {
  for (const std::string& input : command.positional)
    require_existing_input(input);

  pipeline::EvaluateOptions& options = command.options;
  const bool metrics_to_stdout = options.output == "-";
  if (metrics_to_stdout) options.output.clear();
  options.by_group = !command.group_by.empty();
  if (command.hop_s > 0.0) options.hop_s = command.hop_s;
  if (options.jobs <= 0) options.jobs = hardware_threads();
  if (options.cv_folds > 0) {
    if (command.positional.size() != 1 || options.recipe.empty()) {
      throw usage_error("evaluate --cv K FEATURES -m RECIPE: one feature file and a model recipe");
    }
    options.features = command.positional[0];
  } else {
    if (command.positional.size() != 2) {
      throw usage_error("evaluate MODEL FEATURES (or --cv K FEATURES -m RECIPE)");
    }
    options.model = command.positional[0];
    options.features = command.positional[1];
  }
  const pipeline::Evaluation evaluation = pipeline::evaluate(options, log);
  log.table("evaluation of " + options.features.string(), evaluation.table, evaluation.metrics);
  if (metrics_to_stdout) std::cout << evaluation.metrics.dump(2) << '\n' << std::flush;
  if (!command.report.empty()) {
    plot::ReportOptions report;
    report.model = options.cv_folds > 0 ? options.recipe + " (" + std::to_string(options.cv_folds) +
                                              "-fold cross-validation)"
                                        : options.model.string();
    report.features = options.features.string();
    plot::write_report(evaluation, command.report, report);
  }
  return ExitCode::success;
}

}  // namespace

void add_evaluate_command(CLI::App& app, Runner& runner) {
  auto command = std::make_shared<EvaluateCommand>();
  pipeline::EvaluateOptions& options = command->options;
  CLI::App* sub = app.add_subcommand(
      "evaluate", "Measure a model on labelled features, or cross-validate a model recipe");
  sub->add_option("inputs", command->positional, "MODEL FEATURES, or with --cv: FEATURES")
      ->required();
  sub->add_flag("--skip-unknown-labels", options.skip_unknown_labels,
                "Score only the items whose labels the model knows (the others are counted)");
  sub->add_option("-o,--output", options.output, "Write the metrics as JSON here ('-': stdout)")
      ->check(existing_output_folder());
  sub->add_option("--report", command->report,
                  "Write DIR/report.html (self-contained, figures inline) and DIR/metrics.json");
  sub->add_option("--cv", options.cv_folds, "Cross-validate with K folds instead of a model file")
      ->check(CLI::Range(2, 1000));
  sub->add_option("-m,--model", options.recipe,
                  "With --cv: the model recipe (file or name; a network recipe "
                  "trains one network per fold)");
  sub->add_option("--set", options.overrides, "With --cv: override a recipe value (key=value)");
  sub->add_option("--group-by", command->group_by, "With --cv: no group in two folds")
      ->check(CLI::IsMember({"group"}));
  sub->add_option("--seed", options.seed, "With --cv: seed of the folds");
  sub->add_option("-j,--jobs", options.jobs, "Threads (0: one per core)")
      ->check(CLI::Range(0, 1024));
  sub->add_option("--hop", command->hop_s,
                  "Neural networks: seconds between the starts of the windows scored over each "
                  "clip (default: half a window)")
      ->check(CLI::PositiveNumber);
  sub->footer(
      "Prints accuracy, balanced accuracy, macro and micro F1, log loss, per-class precision,\n"
      "recall, F1 and support, and the confusion matrix on stderr (for tags: mAP, macro ROC-AUC\n"
      "and per-tag AP); -o writes them as JSON. A feature file of another recipe than the model's\n"
      "is refused, naming both config hashes.\n\n"
      "--report DIR writes one HTML page that needs no other file: the metrics table, the\n"
      "confusion matrix (counts, coloured by each true class's share), per-class precision,\n"
      "recall and F1 bars, the worst-confused pairs and the misclassified files with their three\n"
      "most probable classes; for tags, each tag's AP and its precision-recall curve.\n\n"
      "Examples:\n"
      "  mirkit evaluate svm.safetensors test.safetensors -o metrics.json\n"
      "  mirkit evaluate --cv 5 --group-by group songs.safetensors -m configs/models/svm.json\n"
      "  mirkit evaluate --cv 5 logmel.safetensors -m configs/models/crnn.json -j 2\n"
      "  mirkit evaluate svm.safetensors test.safetensors --report reports/svm");
  sub->final_callback(
      [command, &runner] { runner = [command](Log& log) { return run_evaluate(*command, log); }; });
}

}  // namespace mirkit::cli
