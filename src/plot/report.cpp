#include "mirkit/plot/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <sstream>

#include "evaluation_figures.hpp"
#include "html.hpp"
#include "mirkit/core/error.hpp"
#include "mirkit/core/file_io.hpp"
#include "mirkit/version.hpp"

namespace mirkit::plot {
namespace {

// Tags per precision–recall chart: tab10 has ten colours, and more lines would not be told apart.
constexpr std::size_t kTagsPerChart = 8;
constexpr std::size_t kWorstPairs = 10;
// A tag's threshold where the scores come without tuned ones, as predict uses it.
constexpr double kDefaultThreshold = 0.5;

// No scripts, no outside files: the page is the same on any machine and opens offline.
constexpr const char* kStyle = R"(
body { font-family: "DejaVu Sans", sans-serif; margin: 0 auto; padding: 16px 24px; max-width: 1100px; color: #222; }
h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #f2f2f2; } p.meta { color: #555; font-size: 13px; }
img { display: block; margin: 8px 0; max-width: 100%; height: auto; }
)";

std::string fixed(double value, int decimals = 3) {
  if (!std::isfinite(value)) return "–";
  char text[32];
  std::snprintf(text, sizeof(text), "%.*f", decimals, value);
  return text;
}

std::string cell(const std::string& text) {
  return "<td>" + html_escape(text) + "</td>";
}
std::string number(const std::string& text) {
  return "<td class=\"n\">" + text + "</td>";
}

std::string header_row(std::initializer_list<const char*> names) {
  std::string row = "<tr>";
  for (const char* name : names)
    row += std::string("<th>") + name + "</th>";
  return row + "</tr>\n";
}

// The classes of one row of scores, most probable first.
std::vector<std::size_t> ranked(const dsp::Matrix& scores, Eigen::Index row) {
  std::vector<std::size_t> order(static_cast<std::size_t>(scores.cols()));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return scores(row, static_cast<Eigen::Index>(a)) > scores(row, static_cast<Eigen::Index>(b));
  });
  return order;
}

std::string top3(const dsp::Matrix& scores, Eigen::Index row,
                 const std::vector<std::string>& classes) {
  std::string cells;
  const std::vector<std::size_t> order = ranked(scores, row);
  for (std::size_t k = 0; k < 3; ++k) {
    if (k < order.size()) {
      cells += cell(classes[order[k]] + " (" +
                    fixed(scores(row, static_cast<Eigen::Index>(order[k])), 2) + ")");
    } else {
      cells += "<td></td>";
    }
  }
  return cells;
}

std::string path_of(const pipeline::Evaluation& e, std::size_t item) {
  return item < e.paths.size() ? e.paths[item] : "item " + std::to_string(item);
}

void single_label_sections(std::ostringstream& out, const pipeline::Evaluation& e,
                           const ReportOptions& options) {
  const std::vector<std::string>& classes = e.labels.classes;
  const models::ClassificationMetrics m = models::classification_metrics(e.labels.single, e.scores);
  out << "<h2>Summary</h2>\n<table>\n"
      << header_row({"accuracy", "balanced accuracy", "macro F1", "micro F1", "log loss"}) << "<tr>"
      << number(fixed(m.accuracy)) << number(fixed(m.balanced_accuracy))
      << number(fixed(m.macro_f1)) << number(fixed(m.micro_f1)) << number(fixed(m.log_loss))
      << "</tr>\n</table>\n";

  out << "<h2>Confusion matrix</h2>\n<p>Rows: the true class; columns: the predicted one. Each "
         "cell holds a count; its colour is the count's share of its row, so a small class's "
         "errors show as plainly as a large one's.</p>\n"
      << inline_image(confusion_figure(m, classes), "confusion matrix") << "\n";

  out << "<h2>Per class</h2>\n"
      << inline_image(per_class_figure(m, classes), "per-class scores") << "\n<table>\n"
      << header_row({"class", "precision", "recall", "F1", "support"});
  for (std::size_t c = 0; c < classes.size(); ++c) {
    const models::ClassMetrics& k = m.per_class[c];
    out << "<tr>" << cell(classes[c]) << number(fixed(k.precision)) << number(fixed(k.recall))
        << number(fixed(k.f1)) << number(std::to_string(k.support)) << "</tr>\n";
  }
  out << "</table>\n";

  struct Pair {
    std::size_t truth, predicted;
    std::int64_t count;
    double share;
  };
  std::vector<Pair> pairs;
  for (std::size_t t = 0; t < classes.size(); ++t) {
    const std::int64_t row =
        std::accumulate(m.confusion[t].begin(), m.confusion[t].end(), std::int64_t{0});
    for (std::size_t p = 0; p < classes.size(); ++p) {
      if (p == t || m.confusion[t][p] == 0) continue;
      pairs.push_back({t, p, m.confusion[t][p],
                       static_cast<double>(m.confusion[t][p]) / static_cast<double>(row)});
    }
  }
  std::stable_sort(pairs.begin(), pairs.end(), [](const Pair& a, const Pair& b) {
    return a.count != b.count ? a.count > b.count : a.share > b.share;
  });
  out << "<h2>Worst-confused pairs</h2>\n";
  if (pairs.empty()) {
    out << "<p>None: every item was classified correctly.</p>\n";
  } else {
    out << "<table>\n" << header_row({"true class", "predicted as", "items", "share of the class"});
    for (std::size_t i = 0; i < std::min(pairs.size(), kWorstPairs); ++i) {
      out << "<tr>" << cell(classes[pairs[i].truth]) << cell(classes[pairs[i].predicted])
          << number(std::to_string(pairs[i].count)) << number(fixed(pairs[i].share, 2))
          << "</tr>\n";
    }
    out << "</table>\n";
  }

  const std::vector<int> predicted = models::argmax_rows(e.scores);
  std::vector<std::size_t> wrong;
  for (std::size_t i = 0; i < predicted.size(); ++i) {
    if (predicted[i] != e.labels.single[i]) wrong.push_back(i);
  }
  out << "<h2>Misclassified files (" << wrong.size() << " of " << predicted.size() << ")</h2>\n";
  if (wrong.empty()) {
    out << "<p>None.</p>\n";
    return;
  }
  out << "<table>\n" << header_row({"file", "true class", "1st", "2nd", "3rd"});
  for (std::size_t k = 0; k < std::min(wrong.size(), options.max_listed); ++k) {
    const std::size_t i = wrong[k];
    out << "<tr>" << cell(path_of(e, i))
        << cell(classes[static_cast<std::size_t>(e.labels.single[i])])
        << top3(e.scores, static_cast<Eigen::Index>(i), classes) << "</tr>\n";
  }
  out << "</table>\n";
  if (wrong.size() > options.max_listed) {
    out << "<p>… and " << wrong.size() - options.max_listed << " more.</p>\n";
  }
}

std::string joined_tags(const Eigen::RowVectorXf& flags, const std::vector<std::string>& tags) {
  std::string text;
  for (Eigen::Index t = 0; t < flags.size(); ++t) {
    if (flags(t) < 0.5f) continue;
    if (!text.empty()) text += "; ";
    text += tags[static_cast<std::size_t>(t)];
  }
  return text.empty() ? "(none)" : text;
}

void multi_label_sections(std::ostringstream& out, const pipeline::Evaluation& e,
                          const ReportOptions& options) {
  const std::vector<std::string>& tags = e.labels.classes;
  const models::MultiLabelMetrics m = models::multilabel_metrics(e.labels.tags, e.scores);
  out << "<h2>Summary</h2>\n<table>\n"
      << header_row({"mean average precision", "macro ROC-AUC", "tags", "items"}) << "<tr>"
      << number(fixed(m.mean_average_precision)) << number(fixed(m.macro_roc_auc))
      << number(std::to_string(tags.size())) << number(std::to_string(e.scores.rows()))
      << "</tr>\n</table>\n";

  out << "<h2>Per tag</h2>\n"
      << inline_image(average_precision_figure(m, tags), "AP per tag") << "\n<table>\n"
      << header_row({"tag", "AP", "ROC-AUC", "threshold", "positives"});
  for (std::size_t t = 0; t < tags.size(); ++t) {
    const double positives = e.labels.tags.col(static_cast<Eigen::Index>(t)).sum();
    out << "<tr>" << cell(tags[t]) << number(fixed(m.average_precision[t]))
        << number(fixed(m.roc_auc[t]))
        << number(fixed(t < e.thresholds.size() ? e.thresholds[t] : kDefaultThreshold, 2))
        << number(std::to_string(static_cast<long long>(positives))) << "</tr>\n";
  }
  out << "</table>\n";
  if (e.thresholds.empty()) {
    out << "<p>These scores come without tuned thresholds (cross-validation): a tag is "
           "predicted at a probability of 0.5 or more.</p>\n";
  }
  out << "<h2>Precision–recall curves</h2>\n<p>One step per distinct score: precision "
         "of the items scored at or above it, against the share of the tag's items found. The "
         "area under the steps is the tag's AP.</p>\n";
  for (std::size_t first = 0; first < tags.size(); first += kTagsPerChart) {
    out << inline_image(
               precision_recall_figure(e.labels.tags, e.scores, tags, first, kTagsPerChart),
               "precision-recall curves")
        << "\n";
  }

  std::vector<std::size_t> wrong;
  const auto rows = static_cast<std::size_t>(e.scores.rows());
  std::vector<Eigen::RowVectorXf> chosen(rows);
  for (std::size_t i = 0; i < rows; ++i) {
    chosen[i] = Eigen::RowVectorXf::Zero(e.scores.cols());
    for (Eigen::Index t = 0; t < e.scores.cols(); ++t) {
      const double threshold = static_cast<std::size_t>(t) < e.thresholds.size()
                                   ? e.thresholds[static_cast<std::size_t>(t)]
                                   : kDefaultThreshold;
      chosen[i](t) = e.scores(static_cast<Eigen::Index>(i), t) >= threshold ? 1.0f : 0.0f;
    }
    if ((chosen[i] - e.labels.tags.row(static_cast<Eigen::Index>(i))).cwiseAbs().sum() > 0.5f) {
      wrong.push_back(i);
    }
  }
  out << "<h2>Items with a wrong tag set (" << wrong.size() << " of " << rows << ")</h2>\n";
  if (wrong.empty()) {
    out << "<p>None.</p>\n";
    return;
  }
  out << "<table>\n" << header_row({"file", "true tags", "predicted tags", "1st", "2nd", "3rd"});
  for (std::size_t k = 0; k < std::min(wrong.size(), options.max_listed); ++k) {
    const std::size_t i = wrong[k];
    const auto row = static_cast<Eigen::Index>(i);
    out << "<tr>" << cell(path_of(e, i)) << cell(joined_tags(e.labels.tags.row(row), tags))
        << cell(joined_tags(chosen[i], tags)) << top3(e.scores, row, tags) << "</tr>\n";
  }
  out << "</table>\n";
  if (wrong.size() > options.max_listed) {
    out << "<p>… and " << wrong.size() - options.max_listed << " more.</p>\n";
  }
}

}  // namespace

std::string report_html(const pipeline::Evaluation& evaluation, const ReportOptions& options) {
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<title>" << html_escape(options.title)
      << "</title>\n"
      // An empty icon: without it a browser asks the file system for favicon.ico.
      << "<link rel=\"icon\" href=\"data:,\">\n<style>" << kStyle << "</style>\n</head>\n<body>\n"
      << "<h1>" << html_escape(options.title) << "</h1>\n<p class=\"meta\">";
  if (!options.model.empty()) out << "model <code>" << html_escape(options.model) << "</code> · ";
  if (!options.features.empty())
    out << "features <code>" << html_escape(options.features) << "</code> · ";
  out << evaluation.scores.rows() << " items · " << evaluation.labels.classes.size()
      << (evaluation.labels.multi_label ? " tags" : " classes") << " · mirkit " << kVersion
      << "</p>\n";
  if (evaluation.labels.multi_label) {
    multi_label_sections(out, evaluation, options);
  } else {
    single_label_sections(out, evaluation, options);
  }
  out << "</body>\n</html>\n";
  return out.str();
}

void write_report(const pipeline::Evaluation& evaluation, const std::filesystem::path& folder,
                  const ReportOptions& options) {
  std::error_code code;
  std::filesystem::create_directories(folder, code);
  if (code)
    throw fatal_error(folder.string() + ": cannot create the report folder (" + code.message() +
                      ")");
  write_file_atomically(folder / "metrics.json", evaluation.metrics.dump(2) + "\n");
  write_file_atomically(folder / "report.html", report_html(evaluation, options));
}

}  // namespace mirkit::plot
