// Classification metrics as scikit-learn defines them (sklearn.metrics), returned as plain structs
// that turn into the JSON of an evaluation report.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "mirkit/core/json.hpp"
#include "mirkit/dsp/matrix.hpp"

namespace mirkit::models {

struct ClassMetrics {
  double precision = 0, recall = 0, f1 = 0;  // 0 where undefined (scikit-learn's zero_division=0)
  std::int64_t support = 0;                  // items of this class in the truth
};

struct ClassificationMetrics {
  double accuracy = 0;
  double balanced_accuracy = 0;  // mean recall over the classes present in the truth
  double macro_f1 = 0;           // mean F1 over the classes present in the truth or predictions
  double micro_f1 = 0;           // equals accuracy for single-label data
  double log_loss = 0;           // NaN when only hard predictions were given
  std::vector<ClassMetrics> per_class;
  std::vector<std::vector<std::int64_t>> confusion;  // [true class][predicted class]

  // Class names label per_class and the confusion matrix (default: "0", "1", …); NaN → null.
  Json to_json(const std::vector<std::string>& class_names = {}) const;
};

// From probabilities (items × classes): the prediction is the most probable class, the lowest
// index on a tie; log loss uses max(p, 1e-15) for the true class, as scikit-learn clips.
ClassificationMetrics classification_metrics(std::span<const int> truth, const dsp::Matrix& proba);
// From hard predictions; log_loss is NaN.
ClassificationMetrics classification_metrics(std::span<const int> truth,
                                             std::span<const int> predicted, int classes);

// The most probable class of each row (lowest index on a tie).
std::vector<int> argmax_rows(const dsp::Matrix& proba);

struct MultiLabelMetrics {
  double mean_average_precision = 0;      // over tags with at least one positive
  double macro_roc_auc = 0;               // over tags with both positives and negatives
  std::vector<double> average_precision;  // per tag; NaN where undefined
  std::vector<double> roc_auc;            // per tag; NaN where undefined

  Json to_json(const std::vector<std::string>& tag_names = {}) const;
};

// `truth` is items × tags with values 0 or 1; `scores` the same shape (higher: more likely).
MultiLabelMetrics multilabel_metrics(const dsp::Matrix& truth, const dsp::Matrix& scores);

// The decisions users act on: each tag said or not (a model's scores at its thresholds).
struct TagDecisionMetrics {
  std::vector<ClassMetrics> per_tag;  // precision, recall, F1 and support of each tag
  double macro_f1 = 0;                // mean F1 over the tags present in the truth or the decisions
  double micro_f1 = 0;                // F1 of all (item, tag) decisions pooled
  double sample_f1 = 0;     // mean over items of each item's F1 (scikit-learn's average="samples")
  double hamming_loss = 0;  // the fraction of (item, tag) decisions that are wrong

  Json to_json(const std::vector<std::string>& tag_names = {}) const;
};

// `truth` and `decisions` are items × tags with values 0 or 1. F1 is 0 where undefined, as
// scikit-learn's zero_division=0 (an item with no tag and none said has F1 0).
TagDecisionMetrics tag_decision_metrics(const dsp::Matrix& truth, const dsp::Matrix& decisions);

// One tag (truth 0/1). Average precision is Σₙ (Rₙ − Rₙ₋₁) Pₙ over distinct score thresholds
// (sklearn.metrics.average_precision_score); ROC-AUC is the Mann–Whitney statistic with ties
// counted one half. NaN when undefined (no positive; for AUC also no negative).
double average_precision(std::span<const float> truth, std::span<const float> scores);
double roc_auc(std::span<const float> truth, std::span<const float> scores);

// The points of average_precision's sum, one per distinct score threshold from the highest down
// (sklearn.metrics.precision_recall_curve without its final (recall 0, precision 1) point).
// Empty when there is no positive.
struct PrecisionRecallPoint {
  double threshold, precision, recall;
};
std::vector<PrecisionRecallPoint> precision_recall_curve(std::span<const float> truth,
                                                         std::span<const float> scores);

}  // namespace mirkit::models
