// The classifier registry: an explicit list, because a static library drops self-registering
// objects that nothing references. A new classifier is one file and one line here.
#include "definitions.hpp"
#include "mirkit/core/error.hpp"

namespace mirkit::models {

const std::vector<ClassifierDefinition>& classifier_registry() {
  static const std::vector<ClassifierDefinition> registry = {
      knn_definition(),           svm_definition(),
      random_forest_definition(), gradient_boosting_definition(),
      gmm_definition(),           gmm_frames_definition(),
      hmm_definition(),
  };
  return registry;
}

const ClassifierDefinition& find_classifier(const std::string& name) {
  std::vector<std::string> known;
  for (const ClassifierDefinition& definition : classifier_registry()) {
    if (definition.name == name) return definition;
    known.push_back(definition.name);
  }
  std::string message = "unknown model '" + name + "'";
  if (auto near = closest_name(name, known)) message += " (did you mean '" + *near + "'?)";
  message += "; known: ";
  for (std::size_t i = 0; i < known.size(); ++i)
    message += (i ? ", " : "") + known[i];
  throw usage_error(message);
}

}  // namespace mirkit::models
