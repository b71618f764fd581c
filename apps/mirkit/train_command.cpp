// mirkit train: a feature file and a model recipe → a model file.
#include <iostream>
#include <memory>

#include "command.hpp"
#include "mirkit/core/file_io.hpp"
#include "mirkit/core/parallel.hpp"
#include "mirkit/core/text.hpp"
#include "mirkit/models/registry.hpp"
#include "mirkit/pipeline/train.hpp"
#include "mirkit/plot/learning_curves.hpp"

namespace mirkit::cli {
namespace {

// The models whose training records per-iteration figures, from the registry.
std::string curve_models() {
  std::vector<std::string> names;
  for (const models::ClassifierDefinition& definition : models::classifier_registry())
    if (definition.records_learning_curves) names.push_back(definition.name);
  return join(names, ", ");
}

struct TrainCommand {
  pipeline::TrainOptions options;
  std::string group_by;
  std::uint64_t seed = 0;
  bool seed_given = false;
  std::filesystem::path curves;
};

ExitCode run_train(TrainCommand& command, Log& log) {
  require_existing_input(command.options.features);

  pipeline::TrainOptions& options = command.options;
  options.by_group = !command.group_by.empty();
  if (command.seed_given) options.seed = command.seed;
  if (options.jobs <= 0) options.jobs = hardware_threads();
  if (!command.curves.empty()) {
    // Refused before training, not after it: only boosting and networks record figures per
    // iteration.
    (void)plot::image_format_of(command.curves);
    pipeline::require_learning_curves(options.model, options.overrides);
  }
  const pipeline::TrainSummary summary = pipeline::train(options, log);
  if (!command.curves.empty()) {
    const auto figure =
        plot::learning_curves_figure(summary.training_report, summary.classes, 900, 600,
                                     "Learning curves: " + options.output.filename().string());
    if (!figure) throw fatal_error("--plot-curves: the trained model recorded no curves");
    figure->save(command.curves);
  }
  if (summary.cross_validation) {
    const std::string title = std::to_string(options.cv_folds) + "-fold cross-validation on " +
                              std::to_string(summary.items) + " items";
    log.table(title, title + ":\n" + summary.cross_validation->table + "\n",
              summary.cross_validation->metrics);
  }
  char seconds[32];
  std::snprintf(seconds, sizeof(seconds), "%.1f", summary.seconds);
  log.info("wrote " + options.output.string() + ": " + std::to_string(summary.classes.size()) +
           (summary.multi_label ? " tags" : " classes") + ", " + std::to_string(summary.items) +
           " items, in " + seconds + " s");
  return ExitCode::success;
}

}  // namespace

void add_train_command(CLI::App& app, Runner& runner) {
  auto command = std::make_shared<TrainCommand>();
  pipeline::TrainOptions& options = command->options;
  CLI::App* sub = app.add_subcommand("train", "Train a model on a feature file");
  sub->add_option("features", options.features, "A labelled feature file (from extract)")
      ->required();
  sub->add_option("-m,--model", options.model,
                  "A model recipe (configs/models/svm.json) or a model name (svm, random_forest, "
                  "…: mirkit list models)")
      ->required();
  sub->add_option("--set", options.overrides,
                  "Override a recipe value: key=value (c=10, kernel=linear, "
                  "preprocessing.pca_components=20, class_weight=balanced); repeatable");
  sub->add_option("-o,--output", options.output, "The model file to write (.safetensors)")
      ->check(existing_output_folder())
      ->required();
  sub->add_option("--plot-curves", command->curves,
                  "Draw the learning curves (per round or epoch) of a model that records them (" +
                      curve_models() + ") into this .png or .svg");
  sub->add_option("--cv", options.cv_folds,
                  "Also cross-validate with K folds and store the figures")
      ->check(CLI::Range(2, 1000));
  sub->add_option("--group-by", command->group_by,
                  "Cross-validate by group (no group in two folds)")
      ->check(CLI::IsMember({"group"}));
  sub->add_option("--seed", command->seed, "Seed of every random choice (default: the recipe's)")
      ->each([command](const std::string&) { command->seed_given = true; });
  sub->add_option("-j,--jobs", options.jobs,
                  "Threads (0: one per core); results do not depend on it")
      ->check(CLI::Range(0, 1024));
  sub->add_flag("--multi-label", options.multi_label,
                "Tags: one-vs-rest even if no item has two labels");
  sub->add_option("--teacher", options.teacher,
                  "Network recipes: distil this trained network (same features and classes) into "
                  "the recipe's; the recipe's \"distill\" section sets temperature and weight");
  sub->footer(
      "The model file holds the classes, the fitted preprocessing and parameters, the whole\n"
      "extraction recipe of the features (so predict reads raw audio), the seed, a hash of the\n"
      "training data and the cross-validation figures. Items with several labels make a\n"
      "multi-label (tagging) model: one-vs-rest with per-tag thresholds.\n\n"
      "A network recipe (\"model\": \"network\": configs/models/cnn.json, crnn.json) trains a\n"
      "CNN or CRNN on frame sequences (extract with configs/features/logmel-patches.json),\n"
      "printing one line per epoch (loss, validation loss and accuracy, time), and writes the\n"
      "best epoch's network, which evaluate and predict use like any network. Its settings\n"
      "(training, augment, fine_tune) are in docs/training.md; --set epochs=5 or\n"
      "--set augment.mixup_alpha=0.2 overrides one. The same seed gives the same file on any "
      "-j.\n\n"
      "--teacher BIG.safetensors trains the recipe's (smaller) network on a mix of the labels\n"
      "and the teacher's outputs softened by a temperature (knowledge distillation):\n"
      "\"distill\": {\"temperature\": 4, \"weight\": 0.5} in the recipe, or --set\n"
      "distill.weight=0.7. The teacher reads the very windows the student reads.\n\n"
      "--plot-curves FILE draws what gradient boosting measured after each round: the mean log\n"
      "loss on its training rows and on its early-stopping hold-out (validation_fraction), and\n"
      "the hold-out accuracy; for tags, each tag's validation log loss. For a network: the\n"
      "training and validation loss and the validation accuracy per epoch. Other models record\n"
      "no per-iteration figures, and the option is refused for them.\n\n"
      "Examples:\n"
      "  mirkit train train.safetensors -m configs/models/svm.json -o svm.safetensors --cv 5\n"
      "  mirkit train train.safetensors -m random_forest --set trees=500 -o rf.safetensors -j 2\n"
      "  mirkit train tags.safetensors -m configs/models/knn.json -o tagger.safetensors\n"
      "  mirkit train train.safetensors -m gradient_boosting -o gb.safetensors --plot-curves "
      "gb.png\n"
      "  mirkit train logmel-train.safetensors -m configs/models/cnn.json -o cnn.safetensors -j 2 "
      "--plot-curves cnn-curves.png\n"
      "  mirkit train logmel-train.safetensors -m configs/models/cnn_small.json --teacher "
      "cnn.safetensors -o small.safetensors");
  sub->final_callback(
      [command, &runner] { runner = [command](Log& log) { return run_train(*command, log); }; });
}

}  // namespace mirkit::cli
