// The classifier registry (core/registry.hpp). A new classifier is one file and one line here.
#include "definitions.hpp"
#include "mirkit/core/error.hpp"

namespace mirkit::models {

const ClassifierRegistry& classifier_registry() {
  static const ClassifierRegistry registry("model", {
                                                        knn_definition(),
                                                        svm_definition(),
                                                        random_forest_definition(),
                                                        gradient_boosting_definition(),
                                                        gmm_definition(),
                                                        gmm_frames_definition(),
                                                        hmm_definition(),
                                                        network_definition(),
                                                    });
  return registry;
}

const ClassifierDefinition& find_classifier(const std::string& name) {
  return classifier_registry().at(name);
}

}  // namespace mirkit::models
