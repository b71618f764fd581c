// Internal: the train stage for a network recipe (train.cpp hands it over).
#pragma once

#include "mirkit/pipeline/train.hpp"

namespace mirkit::pipeline {

TrainSummary train_network_model(const TrainOptions& options, const Json& recipe,
                                 const std::string& where, Log& log);

}  // namespace mirkit::pipeline
