#include "mirkit/plot/learning_curves.hpp"

#include <algorithm>
#include <cmath>

namespace mirkit::plot {
namespace {

Series curve(const Json& values, std::string name) {
  Series series{std::move(name), {}, {}};
  for (std::size_t i = 0; i < values.size(); ++i) {
    series.x.push_back(static_cast<double>(i + 1));
    series.y.push_back(values[i].is_number() ? values[i].get<double>() : std::nan(""));
  }
  return series;
}

// The y range of the series with a little room above, from 0.
Axis value_axis(const std::vector<Series>& series, std::string label) {
  double high = 0;
  for (const Series& s : series) {
    for (const double v : s.y) {
      if (std::isfinite(v)) high = std::max(high, v);
    }
  }
  return {std::move(label), 0, high > 0 ? high * 1.05 : 1.0, {}};
}

Axis round_axis(const std::vector<Series>& series, std::string label = "boosting round") {
  std::size_t rounds = 1;
  for (const Series& s : series)
    rounds = std::max(rounds, s.x.size());
  return {std::move(label), 1, static_cast<double>(std::max<std::size_t>(rounds, 2)), {}};
}

// A trained network's report: {"epochs": [{"train_loss", "validation_loss",
// "validation_accuracy", …}], "best_epoch"} (docs/training.md).
std::optional<Figure> network_curves(const Json& report, int width, int height,
                                     const std::string& title) {
  const Json& epochs = report["epochs"];
  Json train = Json::array(), validation = Json::array(), accuracy = Json::array();
  for (const Json& e : epochs) {
    train.push_back(e.value("train_loss", Json()));
    validation.push_back(e.value("validation_loss", Json()));
    accuracy.push_back(e.value("validation_accuracy", Json()));
  }
  const bool validated = !epochs.empty() && epochs[0].contains("validation_loss");
  LineChart loss;
  loss.series.push_back(curve(train, "training"));
  if (validated) loss.series.push_back(curve(validation, "validation"));
  loss.x = round_axis(loss.series, "epoch");
  loss.y = value_axis(loss.series, "loss");
  std::string kept;
  if (report.contains("best_epoch") && report["best_epoch"].is_number_integer()) {
    kept = " (the model keeps epoch " + std::to_string(report["best_epoch"].get<long long>()) + ")";
  }
  Figure figure(width, height, title);
  figure.add(std::move(loss), "Loss per epoch" + kept);
  if (validated) {
    LineChart acc;
    acc.series.push_back(curve(accuracy, "validation accuracy"));
    acc.x = round_axis(acc.series, "epoch");
    acc.y = {"accuracy", 0, 1.02, {}};
    figure.add(std::move(acc), "Validation accuracy per epoch");
  }
  return figure;
}

bool has_curves(const Json& report) {
  return report.is_object() && report.contains("curves") && report["curves"].is_object();
}

}  // namespace

std::optional<Figure> learning_curves_figure(const Json& report,
                                             const std::vector<std::string>& tags, int width,
                                             int height, const std::string& title) {
  if (report.is_object() && report.contains("epochs") && report["epochs"].is_array() &&
      !report["epochs"].empty()) {
    return network_curves(report, width, height, title);
  }
  if (has_curves(report)) {
    const Json& c = report["curves"];
    LineChart loss;
    loss.series.push_back(curve(c.value("training_log_loss", Json::array()), "training"));
    if (!c.value("validation_log_loss", Json::array()).empty()) {
      loss.series.push_back(
          curve(c["validation_log_loss"], "validation (early-stopping hold-out)"));
    }
    loss.x = round_axis(loss.series);
    loss.y = value_axis(loss.series, "log loss");
    Figure figure(width, height, title);
    const bool accuracy = !c.value("validation_accuracy", Json::array()).empty();
    std::string kept;
    if (report.contains("rounds") && report["rounds"].is_number_integer()) {
      kept = " (the model keeps round " + std::to_string(report["rounds"].get<long long>()) +
             (c.value("validation_log_loss", Json::array()).empty()
                  ? ", the last)"
                  : ", where the validation loss was lowest)");
    }
    figure.add(std::move(loss), "Log loss per round" + kept);
    if (accuracy) {
      LineChart acc;
      acc.series.push_back(curve(c["validation_accuracy"], "validation accuracy"));
      acc.x = round_axis(acc.series);
      acc.y = {"accuracy", 0, 1.02, {}};
      figure.add(std::move(acc), "Validation accuracy per round");
    }
    return figure;
  }
  // A multi-label model: {"tags": [one report per tag]}.
  const Json per_tag = report.is_object() ? report.value("tags", Json::array()) : Json::array();
  if (!per_tag.is_array() || per_tag.empty() || !has_curves(per_tag[0])) return std::nullopt;
  LineChart loss;
  bool validation = true;
  for (std::size_t t = 0; t < per_tag.size(); ++t) {
    if (!has_curves(per_tag[t])) continue;
    const Json& c = per_tag[t]["curves"];
    validation = validation && !c.value("validation_log_loss", Json::array()).empty();
  }
  const char* which = validation ? "validation_log_loss" : "training_log_loss";
  for (std::size_t t = 0; t < per_tag.size(); ++t) {
    if (!has_curves(per_tag[t])) continue;
    loss.series.push_back(curve(per_tag[t]["curves"].value(which, Json::array()),
                                t < tags.size() ? tags[t] : "tag " + std::to_string(t + 1)));
  }
  loss.x = round_axis(loss.series);
  loss.y = value_axis(loss.series, validation ? "validation log loss" : "training log loss");
  Figure figure(width, height, title);
  figure.add(std::move(loss), validation ? "Validation log loss per round, each tag's model"
                                         : "Training log loss per round, each tag's model");
  return figure;
}

}  // namespace mirkit::plot
