// Shared by the generative classifiers: class priors and the posterior from joint
// log-likelihoods.
#pragma once

#include <span>

#include "mirkit/dsp/matrix.hpp"
#include "mirkit/models/model_state.hpp"

namespace mirkit::models {

Eigen::VectorXd log_class_priors(std::span<const int> labels, int classes);

// Row-wise softmax of items × classes joint log-likelihoods, as float probabilities.
dsp::Matrix posterior(const dsp::MatrixD& joint);

void save_priors(ModelState& state, const Eigen::VectorXd& log_priors);
Eigen::VectorXd load_priors(const ModelState& state);

}  // namespace mirkit::models
