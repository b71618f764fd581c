#include "mirkit/models/evaluation.hpp"

#include <gtest/gtest.h>

#include "synthetic.hpp"

namespace mirkit::models {
namespace {

TEST(CrossValidate, EveryItemIsPredictedByAModelThatNeverSawIt) {
  // k = 1 nearest neighbour on the training set itself would be perfect; out of fold it must
  // find another item. Duplicated rows make that visible: item i and its copy i + 60 share a
  // group, so with group folds neither can be the other's neighbour.
  test::Dataset data = test::make_blobs(60, 3, 3, 0.3, 6);
  dsp::Matrix x(120, 3);
  x << data.x, data.x;
  std::vector<int> labels = data.labels;
  labels.insert(labels.end(), data.labels.begin(), data.labels.end());
  std::vector<std::string> groups;
  for (int i = 0; i < 120; ++i)
    groups.push_back("track" + std::to_string(i % 60));
  const ModelConfig config = read_model_config({{"model", "knn"}, {"params", {{"k", 1}}}}, "test");

  const CrossValidationResult grouped =
      cross_validate(config, x, labels, 3, group_kfold(groups, 4), {});
  const CrossValidationResult leaky =
      cross_validate(config, x, labels, 3, stratified_kfold(labels, 4, 1), {});
  // Leaky folds put most copies in training: 1-NN finds the copy (distance 0) nearly always.
  EXPECT_GT(leaky.overall.accuracy, 0.7);
  // Grouped folds: heavily overlapping classes (centres within ±0.3), so well below that.
  EXPECT_LT(grouped.overall.accuracy, leaky.overall.accuracy - 0.15);
  EXPECT_EQ(grouped.folds.size(), 4u);
  EXPECT_TRUE(grouped.out_of_fold.rowwise().sum().isApproxToConstant(1.0f, 1e-6f));
  EXPECT_EQ(grouped.to_json()["folds"].size(), 4u);
}

}  // namespace
}  // namespace mirkit::models
