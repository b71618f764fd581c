#include "evaluation_figures.hpp"

#include <algorithm>
#include <cmath>

#include "ticks.hpp"

namespace mirkit::plot {
namespace {

// Big enough to read, small enough to sit in a report column: about 28 px a class.
int clamp_size(double pixels) {
  return static_cast<int>(std::clamp(pixels, 320.0, 1600.0));
}

std::vector<float> column(const dsp::Matrix& m, Eigen::Index c) {
  std::vector<float> out(static_cast<std::size_t>(m.rows()));
  for (Eigen::Index r = 0; r < m.rows(); ++r)
    out[static_cast<std::size_t>(r)] = m(r, c);
  return out;
}

}  // namespace

Figure confusion_figure(const models::ClassificationMetrics& metrics,
                        const std::vector<std::string>& classes) {
  const auto n = static_cast<Eigen::Index>(classes.size());
  HeatMap map;
  map.values.resize(n, n);
  map.cell_text.resize(static_cast<std::size_t>(n * n));
  for (Eigen::Index t = 0; t < n; ++t) {
    double row_total = 0;
    for (Eigen::Index p = 0; p < n; ++p)
      row_total += static_cast<double>(metrics.confusion[t][p]);
    for (Eigen::Index p = 0; p < n; ++p) {
      const auto count = metrics.confusion[t][p];
      // HeatMap rows run along x (predicted), columns up y: the first true class at the top.
      const Eigen::Index y = n - 1 - t;
      map.values(p, y) = row_total > 0 ? static_cast<float>(count / row_total) : 0.0f;
      map.cell_text[static_cast<std::size_t>(p * n + y)] = std::to_string(count);
    }
  }
  map.x = {"predicted class", -0.5, static_cast<double>(n) - 0.5, {}};
  map.y = {"true class", -0.5, static_cast<double>(n) - 0.5, {}};
  for (Eigen::Index c = 0; c < n; ++c) {
    map.x.ticks.push_back({static_cast<double>(c), classes[static_cast<std::size_t>(c)]});
    map.y.ticks.push_back({static_cast<double>(n - 1 - c), classes[static_cast<std::size_t>(c)]});
  }
  map.palette = Palette::blues;
  map.low = 0;
  map.high = 1;
  map.colour_label = "share of the true class";
  const double side = 40.0 * static_cast<double>(n);
  Figure figure(clamp_size(side + 260), clamp_size(side + 140));
  figure.add(std::move(map), "Confusion matrix (counts; colour: row share)");
  return figure;
}

Figure per_class_figure(const models::ClassificationMetrics& metrics,
                        const std::vector<std::string>& classes) {
  BarChart bars;
  bars.categories = classes;
  bars.series = {"precision", "recall", "F1"};
  bars.values.assign(3, {});
  for (const models::ClassMetrics& k : metrics.per_class) {
    bars.values[0].push_back(k.precision);
    bars.values[1].push_back(k.recall);
    bars.values[2].push_back(k.f1);
  }
  bars.value_axis = {"score", 0, 1, {}};
  bars.horizontal = true;
  Figure figure(640, clamp_size(36.0 * static_cast<double>(classes.size()) + 90));
  figure.add(std::move(bars), "Per class");
  return figure;
}

Figure average_precision_figure(const models::MultiLabelMetrics& metrics,
                                const std::vector<std::string>& tags) {
  BarChart bars;
  bars.categories = tags;
  bars.series = {"AP"};
  bars.values = {metrics.average_precision};
  for (const double ap : metrics.average_precision)
    bars.value_text.push_back(std::isfinite(ap) ? number_text(std::round(ap * 1000) / 1000) : "-");
  bars.value_axis = {"average precision", 0, 1, {}};
  bars.horizontal = true;
  Figure figure(640, clamp_size(22.0 * static_cast<double>(tags.size()) + 90));
  figure.add(std::move(bars), "Average precision per tag");
  return figure;
}

Figure precision_recall_figure(const dsp::Matrix& truth, const dsp::Matrix& scores,
                               const std::vector<std::string>& tags, std::size_t first,
                               std::size_t count) {
  LineChart chart;
  chart.x = {"recall", 0, 1, {}};
  chart.y = {"precision", 0, 1.02, round_ticks(0, 1, 5)};
  for (std::size_t t = first; t < std::min(tags.size(), first + count); ++t) {
    const auto c = static_cast<Eigen::Index>(t);
    const std::vector<float> truth_c = column(truth, c), scores_c = column(scores, c);
    Series series{tags[t], {}, {}};
    for (const models::PrecisionRecallPoint& p :
         models::precision_recall_curve(truth_c, scores_c)) {
      // Steps, as average precision sums them: precision holds until the next recall.
      if (!series.x.empty()) {
        series.x.push_back(p.recall);
        series.y.push_back(series.y.back());
      } else {
        series.x.push_back(0);
        series.y.push_back(p.precision);
      }
      series.x.push_back(p.recall);
      series.y.push_back(p.precision);
    }
    chart.series.push_back(std::move(series));
  }
  Figure figure(640, 400);
  figure.add(std::move(chart), "Precision–recall");
  return figure;
}

}  // namespace mirkit::plot
