// mirkit dataset: a standard data set's folder, as distributed → a manifest with its split.
#include <memory>

#include "command.hpp"
#include "mirkit/core/text.hpp"
#include "mirkit/pipeline/dataset.hpp"

namespace mirkit::cli {
namespace {

// "  gtzan: GTZAN genres (…)\n    --split fault-filtered, stratified (…)\n" …
std::string dataset_lines() {
  std::string lines;
  for (const pipeline::DatasetDefinition& definition : pipeline::dataset_registry()) {
    lines += "  " + definition.name + ": " + definition.description + "\n    --split " +
             join(definition.splits, ", ");
    if (!definition.tag_sets.empty()) lines += "; --tags " + join(definition.tag_sets, ", ");
    lines += " (the first is the default)\n";
  }
  return lines;
}

}  // namespace

void add_dataset_command(CLI::App& app, Runner& runner) {
  auto options = std::make_shared<pipeline::DatasetOptions>();
  CLI::App* sub = app.add_subcommand("dataset",
                                     "Write the manifest of a standard data set, read as "
                                     "distributed, with its split (msd: its feature file)");
  sub->add_option("name", options->name, "The data set")
      ->required()
      ->check(CLI::IsMember(pipeline::dataset_registry().names()));
  sub->add_option("root", options->root, "Its folder, as unpacked")->required();
  sub->add_option("-o,--output", options->output,
                  "The manifest to write (.csv), or - for stdout; msd: the feature file")
      ->check(existing_output_folder())
      ->required();
  sub->add_option("--split", options->split,
                  "The split convention (default: the one the literature reports)");
  sub->add_option("--tags", options->tags,
                  "Tagging data sets: which tags (default: the set the literature reports)");
  sub->add_option("--labels", options->labels,
                  "msd: the label file to join (tab-separated track id and genre, as the MSD's "
                  "genre annotations are distributed)")
      ->check(CLI::ExistingFile);
  sub->add_option("--layout", options->layout,
                  "msd: pooled (one vector per track, default) or frames (the segments' features "
                  "on a regular grid)")
      ->check(CLI::IsMember({"pooled", "frames"}));
  sub->add_option("--hop", options->hop_s,
                  "msd: the frame grid's hop in seconds (default: the data set's)")
      ->check(CLI::PositiveNumber);
  sub->footer("Data sets (docs/datasets.md gives each one's conventions and their sources):\n" +
              dataset_lines() +
              "Files the convention leaves out, missing or unreadable are listed as '#' lines at\n"
              "the top of the manifest, never dropped silently.\n\n"
              "Examples:\n"
              "  mirkit dataset gtzan ~/data/gtzan -o gtzan.csv\n"
              "  mirkit extract gtzan.csv -c configs/features/gtzan.json -o gtzan.safetensors\n"
              "  mirkit split gtzan.safetensors --by-column split -o train.safetensors "
              "test.safetensors\n"
              "  mirkit dataset msd ~/data/MillionSongSubset --labels msd_tagtraum_cd2c.cls "
              "-o msd.safetensors");
  sub->final_callback([options, &runner] {
    runner = [options](Log& log) { return pipeline::write_dataset(*options, log); };
  });
}

}  // namespace mirkit::cli
