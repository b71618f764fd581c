// The model registry (core/registry.hpp). A new model is one file (its ClassifierDefinition) and
// two lines here: its declaration and its place in the list.
#include "mirkit/core/error.hpp"
#include "mirkit/models/registry.hpp"

namespace mirkit::models {

ClassifierDefinition knn_definition();
ClassifierDefinition svm_definition();
ClassifierDefinition random_forest_definition();
ClassifierDefinition gradient_boosting_definition();
ClassifierDefinition gmm_definition();
ClassifierDefinition gmm_frames_definition();
ClassifierDefinition hmm_definition();
ClassifierDefinition network_definition();

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
