// The evaluation report: one self-contained HTML page (figures inline as PNG, no scripts, no
// outside files) with the metrics, the confusion matrix, per-class bars, the worst-confused
// pairs and the misclassified files — or, for tags, per-tag AP and precision–recall curves —
// and metrics.json beside it.
#pragma once

#include <filesystem>
#include <string>

#include "mirkit/pipeline/evaluate.hpp"

namespace mirkit::plot {

struct ReportOptions {
  std::string title = "mirkit evaluation";
  std::string model;     // named in the header (a model file, or the cross-validated recipe)
  std::string features;  // the feature file evaluated
  std::size_t max_listed = 200;  // misclassified items listed; the rest are counted
};

std::string report_html(const pipeline::Evaluation& evaluation, const ReportOptions& options);

// Writes `folder`/report.html and `folder`/metrics.json (the metrics of `evaluate -o`),
// creating the folder; each file atomically. A fatal Error names what could not be written.
void write_report(const pipeline::Evaluation& evaluation, const std::filesystem::path& folder,
                  const ReportOptions& options);

}  // namespace mirkit::plot
