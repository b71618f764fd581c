// mirkit list: what can go in a config, from the declarations themselves.
#include <iostream>
#include <memory>

#include "command.hpp"
#include "mirkit/core/json.hpp"
#include "mirkit/features/feature.hpp"
#include "mirkit/models/registry.hpp"
#include "mirkit/nn/training.hpp"

namespace mirkit::cli {
namespace {

struct ListOptions {
  std::string what = "features";
  bool json = false;
};

Json describe_params(const ParamSchema& schema) {
  Json params = Json::array();
  for (const ParamSpec& spec : schema.specs()) {
    params.push_back({{"name", spec.name},
                      {"type", to_string(spec.type)},
                      {"default", spec.default_value},
                      {"accepts", describe_range(spec) + (spec.nullable ? " or null" : "")},
                      {"description", spec.description}});
  }
  return params;
}

void print_features(bool as_json) {
  const auto& registry = features::feature_registry();
  if (as_json) {
    Json all = Json::array();
    for (const auto& definition : registry) {
      all.push_back({{"name", definition.name},
                     {"description", definition.description},
                     {"output", definition.output},
                     {"params", describe_params(definition.params)}});
    }
    std::cout << all.dump(2) << '\n';
    return;
  }
  for (const auto& definition : registry) {
    std::cout << definition.name << "\n  " << definition.description
              << "\n  output: " << definition.output << '\n';
    for (const ParamSpec& spec : definition.params.specs()) {
      std::cout << "    " << spec.name << " = " << spec.default_value.dump() << "  ("
                << describe_range(spec) << (spec.nullable ? " or null" : "") << ")  "
                << spec.description << '\n';
    }
    std::cout << '\n';
  }
}

void print_models(bool as_json) {
  const auto& registry = models::classifier_registry();
  const auto input = [](const models::ClassifierDefinition& d) {
    return d.input == models::InputKind::pooled ? "pooled vectors" : "frame sequences";
  };
  if (as_json) {
    Json all = Json::array();
    for (const auto& definition : registry) {
      all.push_back({{"name", definition.name},
                     {"description", definition.description},
                     {"input", input(definition)},
                     {"class_weights", definition.supports_class_weights},
                     {"params", describe_params(definition.params)}});
    }
    std::cout << all.dump(2) << '\n';
    return;
  }
  for (const auto& definition : registry) {
    std::cout << definition.name << "\n  " << definition.description
              << "\n  input: " << input(definition)
              << (definition.supports_class_weights ? "; class weights" : "") << '\n';
    for (const ParamSpec& spec : definition.params.specs()) {
      std::cout << "    " << spec.name << " = " << spec.default_value.dump() << "  ("
                << describe_range(spec) << (spec.nullable ? " or null" : "") << ")  "
                << spec.description << '\n';
    }
    std::cout << '\n';
  }
}

}  // namespace

void add_list_command(CLI::App& app, Runner& runner) {
  auto options = std::make_shared<ListOptions>();
  CLI::App* command = app.add_subcommand(
      "list", "List the features and models a config can name, with their parameters");
  command->add_option("what", options->what, "features or models")
      ->check(CLI::IsMember({"features", "models"}));
  command->add_flag("--json", options->json,
                    "As one JSON document (name, description, output, params)");
  command->footer(
      "Every parameter shows its default, what it accepts and what it does; a config may leave\n"
      "out any of them, and the resolved config records every value used.\n\n"
      "Examples:\n"
      "  mirkit list features\n"
      "  mirkit list features --json > features.json\n"
      "  mirkit list models");
  command->final_callback([options, &runner] {
    runner = [options](Log&) {
      if (options->what == "models") {
        print_models(options->json);
      } else {
        print_features(options->json);
      }
      return ExitCode::success;
    };
  });
}

}  // namespace mirkit::cli
