// One function per built-in classifier, each defined in that classifier's file; builtin.cpp lists
// them.
#pragma once

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

}  // namespace mirkit::models
