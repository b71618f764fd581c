// mirkit explain: a picture of why a model classified one audio file as it did.
#include <iostream>
#include <memory>

#include "command.hpp"
#include "mirkit/core/file_io.hpp"
#include "mirkit/core/json.hpp"
#include "mirkit/core/text.hpp"
#include "mirkit/models/registry.hpp"
#include "mirkit/pipeline/explain.hpp"
#include "mirkit/plot/explain_figure.hpp"

namespace mirkit::cli {
namespace {

struct ExplainCommand {
  pipeline::ExplainOptions options;
  std::string class_name;
  double segment_s = 0;
  std::filesystem::path output;
  int width = 1000, height = 700;
};

ExitCode run_explain(ExplainCommand& command, Log& log) {
  require_existing_input(command.options.model);
  require_existing_input(command.options.audio);

  pipeline::ExplainOptions& options = command.options;
  if (!command.class_name.empty()) options.class_name = command.class_name;
  if (command.segment_s > 0) options.segment_s = command.segment_s;
  (void)plot::image_format_of(command.output);  // a bad name fails before any work
  pipeline::Explanation explanation;
  try {
    explanation = pipeline::explain(options);
  } catch (const Error& error) {
    // The one audio file failed: nothing was written.
    if (error.kind() != ErrorKind::input) throw;
    log.error(error.file().empty() ? error.with_file(options.audio.string()) : error);
    return ExitCode::fatal;
  }
  for (const std::string& note : explanation.notes)
    log.info(note);
  const std::string title = options.audio.filename().string() + " — '" + explanation.class_name +
                            "' (p = " + std::to_string(explanation.class_probability).substr(0, 4) +
                            ")";
  plot::explanation_figure(explanation, command.width, command.height, title).save(command.output);
  const std::string method = explanation.saliency      ? explanation.saliency->method
                             : explanation.importances ? "feature_importances"
                                                       : "probabilities_over_time";
  std::cout << Json{{"audio", options.audio.string()},
                    {"class", explanation.class_name},
                    {"probability",
                     float_for_json(static_cast<float>(explanation.class_probability))},
                    {"method", method},
                    {"output", command.output.string()}}
                   .dump()
            << "\n";  // probabilities are float32: their shortest text, as predict writes them
  return ExitCode::success;
}

// "  random_forest: mean decrease in impurity\n" …, from the model registry.
std::string importance_lines() {
  std::string lines;
  for (const models::ClassifierDefinition& definition : models::classifier_registry())
    if (!definition.importance_measure.empty())
      lines += "  " + definition.name + ": " + definition.importance_measure + "\n";
  return lines;
}

}  // namespace

void add_explain_command(CLI::App& app, Runner& runner) {
  auto command = std::make_shared<ExplainCommand>();
  CLI::App* sub = app.add_subcommand(
      "explain", "Picture why a model classified an audio file as it did (saliency, importances)");
  sub->add_option("model", command->options.model, "A model file from train, or a network file")
      ->required();
  sub->add_option("audio", command->options.audio, "The audio file")->required();
  sub->add_option("-o,--output", command->output, "Image file, .png or .svg")
      ->check(existing_output_folder())
      ->required();
  sub->add_option("--class", command->class_name,
                  "Explain this class (default: the clip's most probable one)");
  sub->add_option("--segment", command->segment_s,
                  "Seconds per segment of the probability strip (default: the network's window; "
                  "1 s for other models)")
      ->check(CLI::PositiveNumber);
  sub->add_option("--saliency", command->options.saliency,
                  "Networks: gradient, occlusion, or auto (gradient when every layer has a "
                  "backward pass)")
      ->check(CLI::IsMember({"auto", "gradient", "occlusion"}))
      ->capture_default_str();
  sub->add_option("--width", command->width, "Width in pixels")
      ->check(CLI::Range(16, 8192))
      ->capture_default_str();
  sub->add_option("--height", command->height, "Height in pixels")
      ->check(CLI::Range(16, 8192))
      ->capture_default_str();
  sub->footer(
      "Neural networks: a saliency map over the network's input, the log-mel spectrogram;\n"
      "bright regions are what the network relied on. --saliency gradient (the default where\n"
      "every layer has a backward pass; Simonyan et al. 2014): the gradient of the class's\n"
      "logit times each cell's difference from the window's mean, one backward pass\n"
      "per window. --saliency occlusion (Zeiler & Fergus 2014; any layer type): patches of 1/8\n"
      "of the window's frames and bands are replaced in turn by the window's mean, and each\n"
      "cell shows the mean drop in the class's probability when it was hidden.\n"
      "Models that record feature importances in training: the 20 largest, measured as\n" +
      importance_lines() +
      "Every model: the class probabilities over time, segment by segment.\n"
      "A JSON line on stdout names the class, its probability and the method.\n\n"
      "Examples:\n"
      "  mirkit explain cnn.safetensors song.wav -o saliency.png\n"
      "  mirkit explain cnn.safetensors song.wav -o guitar.png --class guitar\n"
      "  mirkit explain rf.safetensors song.wav -o importances.svg --segment 0.5");
  sub->final_callback(
      [command, &runner] { runner = [command](Log& log) { return run_explain(*command, log); }; });
}

}  // namespace mirkit::cli
