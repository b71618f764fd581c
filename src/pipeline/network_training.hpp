// Internal: the train stage for a network recipe (train.cpp hands it over).
#pragma once

#include "mirkit/pipeline/train.hpp"
#include "mirkit/pipeline/trained_model.hpp"

namespace mirkit::pipeline {

// `features` and `labels` as train() read and checked them.
TrainSummary train_network_model(const TrainOptions& options, const Json& recipe,
                                 const std::string& where, const FeatureFile& features,
                                 const LabelSet& labels, Log& log);

}  // namespace mirkit::pipeline
