#include "mirkit/models/metrics.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace mirkit::models {
namespace {

// Exact fractions computed by hand; 1e-12 allows only double rounding of those fractions.
constexpr double kExact = 1e-12;

TEST(Metrics, MatchHandComputedValuesForHardPredictions) {
  const std::vector<int> truth = {0, 0, 1, 1, 2, 2};
  const std::vector<int> predicted = {0, 1, 1, 1, 2, 0};
  const ClassificationMetrics m = classification_metrics(truth, predicted, 3);
  EXPECT_NEAR(m.accuracy, 4.0 / 6, kExact);
  EXPECT_NEAR(m.micro_f1, 4.0 / 6, kExact);
  // Recalls 1/2, 1, 1/2.
  EXPECT_NEAR(m.balanced_accuracy, 2.0 / 3, kExact);
  // Precisions 1/2, 2/3, 1 → F1 1/2, 4/5, 2/3.
  EXPECT_NEAR(m.per_class[0].precision, 0.5, kExact);
  EXPECT_NEAR(m.per_class[1].precision, 2.0 / 3, kExact);
  EXPECT_NEAR(m.per_class[2].recall, 0.5, kExact);
  EXPECT_NEAR(m.per_class[1].f1, 0.8, kExact);
  EXPECT_NEAR(m.per_class[2].f1, 2.0 / 3, kExact);
  EXPECT_NEAR(m.macro_f1, (0.5 + 0.8 + 2.0 / 3) / 3, kExact);
  EXPECT_EQ(m.per_class[0].support, 2);
  const std::vector<std::vector<std::int64_t>> confusion = {{1, 1, 0}, {0, 2, 0}, {1, 0, 1}};
  EXPECT_EQ(m.confusion, confusion);
  EXPECT_TRUE(std::isnan(m.log_loss));
}

TEST(Metrics, LogLossFromProbabilities) {
  const std::vector<int> truth = {0, 0, 1, 1, 2, 2};
  dsp::Matrix proba(6, 3);
  proba << 0.7f, 0.2f, 0.1f, 0.3f, 0.6f, 0.1f, 0.1f, 0.8f, 0.1f, 0.2f, 0.5f, 0.3f, 0.1f, 0.1f, 0.8f,
      0.5f, 0.1f, 0.4f;
  const ClassificationMetrics m = classification_metrics(truth, proba);
  EXPECT_NEAR(m.accuracy, 4.0 / 6, kExact);
  // The probabilities are floats: 1e-7 covers their rounding inside the logarithms.
  const double expected = -(std::log(0.7) + std::log(0.3) + std::log(0.8) + std::log(0.5) +
                            std::log(0.8) + std::log(0.4)) /
                          6;
  EXPECT_NEAR(m.log_loss, expected, 1e-7);
}

TEST(Metrics, ClassAbsentFromTruthAndPredictionsIsLeftOutOfMacroAverages) {
  const std::vector<int> truth = {0, 1, 1};
  const std::vector<int> predicted = {0, 1, 0};
  const ClassificationMetrics m = classification_metrics(truth, predicted, 3);
  // Class 0: P 1/2 R 1 F1 2/3; class 1: P 1 R 1/2 F1 2/3; class 2 absent.
  EXPECT_NEAR(m.macro_f1, 2.0 / 3, kExact);
  EXPECT_NEAR(m.balanced_accuracy, 0.75, kExact);
}

TEST(Metrics, AveragePrecisionAndAucMatchHandComputedValues) {
  const std::vector<float> truth = {1, 0, 1, 1, 0};
  const std::vector<float> scores = {0.9f, 0.8f, 0.7f, 0.4f, 0.3f};
  // Precision at each positive: 1, 2/3, 3/4, each recall step 1/3.
  EXPECT_NEAR(average_precision(truth, scores), (1 + 2.0 / 3 + 0.75) / 3, kExact);
  // 4 of the 6 (positive, negative) pairs are ordered correctly.
  EXPECT_NEAR(roc_auc(truth, scores), 4.0 / 6, kExact);
}

TEST(Metrics, TiedScoresCountAsOneThresholdAndHalfAPair) {
  const std::vector<float> truth = {1, 0, 1, 0};
  const std::vector<float> scores = {0.5f, 0.5f, 0.2f, 0.1f};
  // Thresholds 0.5 (P 1/2, R 1/2) and 0.2 (P 2/3, R 1).
  EXPECT_NEAR(average_precision(truth, scores), 0.5 * 0.5 + 0.5 * 2.0 / 3, kExact);
  // Pairs: tie (½), 0.5 > 0.1, 0.2 < 0.5, 0.2 > 0.1 → 2.5 of 4.
  EXPECT_NEAR(roc_auc(truth, scores), 0.625, kExact);
}

TEST(Metrics, MultiLabelAveragesSkipUndefinedTags) {
  dsp::Matrix truth(4, 2), scores(4, 2);
  truth << 1, 0, 0, 0, 1, 0, 0, 0;  // tag 1 has no positive
  scores << 0.9f, 0.1f, 0.2f, 0.3f, 0.8f, 0.2f, 0.1f, 0.4f;
  const MultiLabelMetrics m = multilabel_metrics(truth, scores);
  EXPECT_NEAR(m.average_precision[0], 1.0, kExact);
  EXPECT_TRUE(std::isnan(m.average_precision[1]));
  EXPECT_TRUE(std::isnan(m.roc_auc[1]));
  EXPECT_NEAR(m.mean_average_precision, 1.0, kExact);
  EXPECT_NEAR(m.macro_roc_auc, 1.0, kExact);
  EXPECT_TRUE(m.to_json()["per_tag"]["1"]["average_precision"].is_null());
}

TEST(Metrics, TagDecisionsByTagByItemAndPooled) {
  dsp::Matrix truth(3, 2), decisions(3, 2);
  truth << 1, 0, 0, 1, 1, 1;
  decisions << 1, 1, 0, 1, 0, 1;
  const TagDecisionMetrics m = tag_decision_metrics(truth, decisions);
  // Tag 0: 1 of 2 found, nothing wrongly said; tag 1: both found, one wrongly said.
  EXPECT_NEAR(m.per_tag[0].precision, 1.0, kExact);
  EXPECT_NEAR(m.per_tag[0].recall, 0.5, kExact);
  EXPECT_NEAR(m.per_tag[0].f1, 2.0 / 3, kExact);
  EXPECT_NEAR(m.per_tag[1].precision, 2.0 / 3, kExact);
  EXPECT_NEAR(m.per_tag[1].f1, 0.8, kExact);
  EXPECT_EQ(m.per_tag[1].support, 2);
  EXPECT_NEAR(m.macro_f1, (2.0 / 3 + 0.8) / 2, kExact);
  EXPECT_NEAR(m.micro_f1, 0.75, kExact);  // 3 found of 4 true, 3 right of 4 said
  // Items: F1 2/3, 1, 2/3 (scikit-learn's f1_score(average="samples") gives 7/9 too).
  EXPECT_NEAR(m.sample_f1, 7.0 / 9, kExact);
  EXPECT_NEAR(m.hamming_loss, 2.0 / 6, kExact);
  EXPECT_EQ(m.to_json({"low", "high"})["per_tag"]["high"]["support"], 2);
}

TEST(Metrics, JsonNamesClassesAndKeepsTheConfusionMatrix) {
  const std::vector<int> truth = {0, 1};
  const std::vector<int> predicted = {0, 0};
  const Json json = classification_metrics(truth, predicted, 2).to_json({"jazz", "rock"});
  EXPECT_EQ(json["per_class"]["rock"]["support"], 1);
  EXPECT_EQ(json["confusion_matrix"]["labels"], Json::array({"jazz", "rock"}));
  EXPECT_EQ(json["confusion_matrix"]["rows_true_columns_predicted"],
            Json::parse("[[1, 0], [1, 0]]"));
}

}  // namespace
}  // namespace mirkit::models
