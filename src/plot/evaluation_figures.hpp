// The figures of an evaluation report, each from the metrics alone.
#pragma once

#include <string>
#include <vector>

#include "mirkit/dsp/matrix.hpp"
#include "mirkit/models/metrics.hpp"
#include "mirkit/plot/figure.hpp"

namespace mirkit::plot {

// Counts in the cells, colours by the share of the true class (each row sums to 1), so a rare
// class's errors show as clearly as a common one's. True classes top to bottom, predicted left
// to right.
Figure confusion_figure(const models::ClassificationMetrics& metrics,
                        const std::vector<std::string>& classes);

// Precision, recall and F1 of each class as horizontal bars.
Figure per_class_figure(const models::ClassificationMetrics& metrics,
                        const std::vector<std::string>& classes);

// Each tag's average precision as a horizontal bar.
Figure average_precision_figure(const models::MultiLabelMetrics& metrics,
                                const std::vector<std::string>& tags);

// Precision against recall of tags [first, first + count), one line each. `truth` and `scores`
// are items × tags.
Figure precision_recall_figure(const dsp::Matrix& truth, const dsp::Matrix& scores,
                               const std::vector<std::string>& tags, std::size_t first,
                               std::size_t count);

}  // namespace mirkit::plot
