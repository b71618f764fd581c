// Learning curves: the per-round figures a model recorded while training. Gradient boosting
// records, per boosting round, the log loss on its training rows and on its early-stopping
// hold-out, and the hold-out accuracy; other models record no per-iteration figures.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mirkit/core/json.hpp"
#include "mirkit/plot/figure.hpp"

namespace mirkit::plot {

// From a model's training report (the model file's training.report): for one model, log loss
// (training and validation) and validation accuracy against the round; for a multi-label model
// ({"tags": [one report per tag]}, `tags` naming them), each tag's validation log loss
// (training's without a hold-out). None when the report holds no curves.
std::optional<Figure> learning_curves_figure(const Json& report,
                                             const std::vector<std::string>& tags, int width,
                                             int height, const std::string& title);

}  // namespace mirkit::plot
