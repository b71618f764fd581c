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

TEST(CrossValidate, FrameModelsAreEvaluatedOverItems) {
  // 30 items of 8 frames each, the frames of an item drawn around its class centre.
  const test::Dataset data = test::make_blobs(240, 2, 3, 4.0, 7);
  Sequences sequences;
  std::vector<int> labels;
  sequences.frames.resize(240, 2);
  for (int item = 0; item < 30; ++item) {
    const int c = item % 3;
    for (int f = 0; f < 8; ++f)
      sequences.frames.row(item * 8 + f) = data.x.row(3 * ((item * 8 + f) % 80) + c);
    sequences.offsets.push_back(sequences.offsets.back() + 8);
    labels.push_back(c);
  }
  const ModelConfig config =
      read_model_config({{"model", "gmm_frames"}, {"params", {{"components", 2}}}}, "test");
  const CrossValidationResult result =
      cross_validate(config, sequences.view(), labels, 3, stratified_kfold(labels, 3, 2), {});
  EXPECT_EQ(result.out_of_fold.rows(), 30);
  EXPECT_GE(result.overall.accuracy, 0.9);  // centres ±4 apart, 8 frames per item
  const Sequences two = take_items(sequences.view(), std::vector<int>{4, 4});
  EXPECT_EQ(two.offsets, (std::vector<std::int64_t>{0, 8, 16}));
  EXPECT_EQ(two.frames.topRows(8), sequences.frames.middleRows(32, 8));
}

}  // namespace
}  // namespace mirkit::models
