#include "mirkit/models/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "mirkit/core/error.hpp"

namespace mirkit::models {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Json number(double v) {
  return std::isfinite(v) ? Json(v) : Json(nullptr);
}

double f1_of(double precision, double recall) {
  return precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0;
}

// Precision, recall and F1 from counts; 0 where undefined (scikit-learn's zero_division=0).
ClassMetrics class_metrics(std::int64_t true_positives, std::int64_t predicted,
                           std::int64_t support) {
  ClassMetrics cm;
  cm.support = support;
  cm.precision =
      predicted ? static_cast<double>(true_positives) / static_cast<double>(predicted) : 0.0;
  cm.recall = support ? static_cast<double>(true_positives) / static_cast<double>(support) : 0.0;
  cm.f1 = f1_of(cm.precision, cm.recall);
  return cm;
}

std::string name_of(const std::vector<std::string>& names, std::size_t i) {
  return i < names.size() ? names[i] : std::to_string(i);
}

// Item indices by decreasing score (stable, so equal scores keep item order).
std::vector<std::size_t> by_decreasing_score(std::span<const float> scores) {
  std::vector<std::size_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
  return order;
}

}  // namespace

std::vector<int> argmax_rows(const dsp::Matrix& proba) {
  std::vector<int> out(static_cast<std::size_t>(proba.rows()));
  for (Eigen::Index i = 0; i < proba.rows(); ++i) {
    Eigen::Index best = 0;
    for (Eigen::Index k = 1; k < proba.cols(); ++k)
      if (proba(i, k) > proba(i, best)) best = k;
    out[static_cast<std::size_t>(i)] = static_cast<int>(best);
  }
  return out;
}

ClassificationMetrics classification_metrics(std::span<const int> truth,
                                             std::span<const int> predicted, int classes) {
  if (truth.size() != predicted.size()) {
    throw usage_error("metrics: " + std::to_string(truth.size()) + " labels but " +
                      std::to_string(predicted.size()) + " predictions");
  }
  if (truth.empty()) throw usage_error("metrics: no items");
  ClassificationMetrics m;
  m.log_loss = kNaN;
  const auto k = static_cast<std::size_t>(classes);
  m.confusion.assign(k, std::vector<std::int64_t>(k, 0));
  for (std::size_t i = 0; i < truth.size(); ++i) {
    if (truth[i] < 0 || truth[i] >= classes || predicted[i] < 0 || predicted[i] >= classes) {
      throw usage_error("metrics: label outside [0, " + std::to_string(classes) + ")");
    }
    ++m.confusion[static_cast<std::size_t>(truth[i])][static_cast<std::size_t>(predicted[i])];
  }
  std::int64_t correct = 0;
  double recall_sum = 0, f1_sum = 0;
  int present = 0, present_either = 0;
  m.per_class.resize(k);
  for (std::size_t c = 0; c < k; ++c) {
    const std::int64_t tp = m.confusion[c][c];
    std::int64_t support = 0, predicted_c = 0;
    for (std::size_t j = 0; j < k; ++j) {
      support += m.confusion[c][j];
      predicted_c += m.confusion[j][c];
    }
    ClassMetrics& cm = m.per_class[c];
    cm = class_metrics(tp, predicted_c, support);
    correct += tp;
    if (support > 0) {
      recall_sum += cm.recall;
      ++present;
    }
    if (support > 0 || predicted_c > 0) {
      f1_sum += cm.f1;
      ++present_either;
    }
  }
  m.accuracy = static_cast<double>(correct) / static_cast<double>(truth.size());
  m.micro_f1 = m.accuracy;
  m.balanced_accuracy = recall_sum / present;
  m.macro_f1 = f1_sum / present_either;
  return m;
}

ClassificationMetrics classification_metrics(std::span<const int> truth, const dsp::Matrix& proba) {
  if (static_cast<Eigen::Index>(truth.size()) != proba.rows()) {
    throw usage_error("metrics: " + std::to_string(truth.size()) + " labels but " +
                      std::to_string(proba.rows()) + " rows of probabilities");
  }
  const std::vector<int> predicted = argmax_rows(proba);
  ClassificationMetrics m =
      classification_metrics(truth, predicted, static_cast<int>(proba.cols()));
  double loss = 0;
  for (std::size_t i = 0; i < truth.size(); ++i) {
    const double p = proba(static_cast<Eigen::Index>(i), truth[i]);
    loss -= std::log(std::max(p, 1e-15));
  }
  m.log_loss = loss / static_cast<double>(truth.size());
  return m;
}

Json ClassificationMetrics::to_json(const std::vector<std::string>& class_names) const {
  Json classes = Json::object();
  for (std::size_t c = 0; c < per_class.size(); ++c) {
    classes[name_of(class_names, c)] = {{"precision", per_class[c].precision},
                                        {"recall", per_class[c].recall},
                                        {"f1", per_class[c].f1},
                                        {"support", per_class[c].support}};
  }
  Json labels = Json::array();
  for (std::size_t c = 0; c < per_class.size(); ++c)
    labels.push_back(name_of(class_names, c));
  return {{"accuracy", accuracy},
          {"balanced_accuracy", balanced_accuracy},
          {"macro_f1", macro_f1},
          {"micro_f1", micro_f1},
          {"log_loss", number(log_loss)},
          {"per_class", classes},
          {"confusion_matrix", {{"labels", labels}, {"rows_true_columns_predicted", confusion}}}};
}

double average_precision(std::span<const float> truth, std::span<const float> scores) {
  const double positives =
      std::count_if(truth.begin(), truth.end(), [](float t) { return t > 0.5f; });
  if (positives == 0) return kNaN;
  const std::vector<std::size_t> order = by_decreasing_score(scores);
  double ap = 0, previous_recall = 0, true_positives = 0;
  for (std::size_t n = 0; n < order.size(); ++n) {
    true_positives += truth[order[n]] > 0.5f ? 1 : 0;
    // A threshold is only complete after the last item sharing its score.
    if (n + 1 < order.size() && scores[order[n + 1]] == scores[order[n]]) continue;
    const double recall = true_positives / positives;
    const double precision = true_positives / static_cast<double>(n + 1);
    ap += (recall - previous_recall) * precision;
    previous_recall = recall;
  }
  return ap;
}

std::vector<PrecisionRecallPoint> precision_recall_curve(std::span<const float> truth,
                                                         std::span<const float> scores) {
  const double positives =
      std::count_if(truth.begin(), truth.end(), [](float t) { return t > 0.5f; });
  std::vector<PrecisionRecallPoint> curve;
  if (positives == 0) return curve;
  const std::vector<std::size_t> order = by_decreasing_score(scores);
  double true_positives = 0;
  for (std::size_t n = 0; n < order.size(); ++n) {
    true_positives += truth[order[n]] > 0.5f ? 1 : 0;
    // As in average_precision: a threshold is complete after the last item with its score.
    if (n + 1 < order.size() && scores[order[n + 1]] == scores[order[n]]) continue;
    curve.push_back({scores[order[n]], true_positives / static_cast<double>(n + 1),
                     true_positives / positives});
  }
  return curve;
}

double roc_auc(std::span<const float> truth, std::span<const float> scores) {
  std::vector<std::size_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return scores[a] < scores[b]; });
  double positives = 0, rank_sum = 0;
  for (std::size_t start = 0; start < order.size();) {
    std::size_t end = start;
    while (end < order.size() && scores[order[end]] == scores[order[start]])
      ++end;
    const double mean_rank = (static_cast<double>(start + 1) + static_cast<double>(end)) / 2;
    for (std::size_t n = start; n < end; ++n) {
      if (truth[order[n]] > 0.5f) {
        positives += 1;
        rank_sum += mean_rank;
      }
    }
    start = end;
  }
  const double negatives = static_cast<double>(scores.size()) - positives;
  if (positives == 0 || negatives == 0) return kNaN;
  return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives);
}

MultiLabelMetrics multilabel_metrics(const dsp::Matrix& truth, const dsp::Matrix& scores) {
  if (truth.rows() != scores.rows() || truth.cols() != scores.cols()) {
    throw usage_error("metrics: truth and scores differ in shape");
  }
  MultiLabelMetrics m;
  double ap_sum = 0, auc_sum = 0;
  int ap_count = 0, auc_count = 0;
  for (Eigen::Index t = 0; t < truth.cols(); ++t) {
    const Eigen::VectorXf truth_t = truth.col(t), scores_t = scores.col(t);
    const std::span<const float> a(truth_t.data(), static_cast<std::size_t>(truth_t.size()));
    const std::span<const float> b(scores_t.data(), static_cast<std::size_t>(scores_t.size()));
    m.average_precision.push_back(average_precision(a, b));
    m.roc_auc.push_back(roc_auc(a, b));
    if (std::isfinite(m.average_precision.back())) {
      ap_sum += m.average_precision.back();
      ++ap_count;
    }
    if (std::isfinite(m.roc_auc.back())) {
      auc_sum += m.roc_auc.back();
      ++auc_count;
    }
  }
  m.mean_average_precision = ap_count ? ap_sum / ap_count : kNaN;
  m.macro_roc_auc = auc_count ? auc_sum / auc_count : kNaN;
  return m;
}

Json MultiLabelMetrics::to_json(const std::vector<std::string>& tag_names) const {
  Json tags = Json::object();
  for (std::size_t t = 0; t < average_precision.size(); ++t) {
    tags[name_of(tag_names, t)] = {{"average_precision", number(average_precision[t])},
                                   {"roc_auc", number(roc_auc[t])}};
  }
  return {{"mean_average_precision", number(mean_average_precision)},
          {"macro_roc_auc", number(macro_roc_auc)},
          {"per_tag", tags}};
}

TagDecisionMetrics tag_decision_metrics(const dsp::Matrix& truth, const dsp::Matrix& decisions) {
  if (truth.rows() != decisions.rows() || truth.cols() != decisions.cols()) {
    throw usage_error("metrics: truth and decisions differ in shape");
  }
  // One pass over the matrix counts both ways: per tag (columns) and per item (rows).
  struct Counts {
    std::int64_t tp = 0, predicted = 0, support = 0;
    void add(bool is, bool said) {
      tp += is && said;
      predicted += said;
      support += is;
    }
  };
  std::vector<Counts> by_tag(static_cast<std::size_t>(truth.cols()));
  std::int64_t wrong = 0;
  double sample_sum = 0;
  for (Eigen::Index i = 0; i < truth.rows(); ++i) {
    Counts item;
    for (Eigen::Index t = 0; t < truth.cols(); ++t) {
      const bool is = truth(i, t) > 0.5f, said = decisions(i, t) > 0.5f;
      by_tag[static_cast<std::size_t>(t)].add(is, said);
      item.add(is, said);
      wrong += is != said;
    }
    sample_sum += class_metrics(item.tp, item.predicted, item.support).f1;
  }
  TagDecisionMetrics m;
  Counts all;
  double f1_sum = 0;
  int present_either = 0;
  for (const Counts& tag : by_tag) {
    m.per_tag.push_back(class_metrics(tag.tp, tag.predicted, tag.support));
    if (tag.support > 0 || tag.predicted > 0) {
      f1_sum += m.per_tag.back().f1;
      ++present_either;
    }
    all.tp += tag.tp;
    all.predicted += tag.predicted;
    all.support += tag.support;
  }
  m.macro_f1 = present_either ? f1_sum / present_either : 0.0;
  m.micro_f1 = class_metrics(all.tp, all.predicted, all.support).f1;
  const double items = static_cast<double>(truth.rows());
  m.sample_f1 = truth.rows() ? sample_sum / items : kNaN;
  m.hamming_loss =
      truth.size() ? static_cast<double>(wrong) / static_cast<double>(truth.size()) : kNaN;
  return m;
}

Json TagDecisionMetrics::to_json(const std::vector<std::string>& tag_names) const {
  Json tags = Json::object();
  for (std::size_t t = 0; t < per_tag.size(); ++t) {
    tags[name_of(tag_names, t)] = {{"precision", per_tag[t].precision},
                                   {"recall", per_tag[t].recall},
                                   {"f1", per_tag[t].f1},
                                   {"support", per_tag[t].support}};
  }
  return {{"macro_f1", number(macro_f1)},
          {"micro_f1", number(micro_f1)},
          {"sample_f1", number(sample_f1)},
          {"hamming_loss", number(hamming_loss)},
          {"per_tag", tags}};
}

}  // namespace mirkit::models
