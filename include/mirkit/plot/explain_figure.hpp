// The picture of an explanation (pipeline/explain.hpp): for a network, its log-mel input and the
// occlusion saliency map of the class; for a random forest, its most important features; for
// every model, a strip of the class probabilities over time.
#pragma once

#include "mirkit/pipeline/explain.hpp"
#include "mirkit/plot/figure.hpp"

namespace mirkit::plot {

// `top_features`: how many importances to draw (the largest).
Figure explanation_figure(const pipeline::Explanation& explanation, int width, int height,
                          const std::string& title, std::size_t top_features = 20);

}  // namespace mirkit::plot
