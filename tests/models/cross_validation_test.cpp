#include "mirkit/models/cross_validation.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "mirkit/core/error.hpp"

namespace mirkit::models {
namespace {

std::vector<int> imbalanced_labels() {
  std::vector<int> labels;
  for (int i = 0; i < 23; ++i)
    labels.push_back(i % 7 == 0 ? 2 : i % 2);  // classes of 4, 10 and 9... unequal sizes
  return labels;
}

TEST(StratifiedKFold, EveryItemIsTestedOnceAndClassesAreSpreadEvenly) {
  const std::vector<int> labels = imbalanced_labels();
  const std::vector<Fold> folds = stratified_kfold(labels, 3, 42);
  ASSERT_EQ(folds.size(), 3u);
  std::vector<int> tested(labels.size(), 0);
  for (const Fold& fold : folds) {
    EXPECT_EQ(fold.train.size() + fold.test.size(), labels.size());
    std::set<int> train(fold.train.begin(), fold.train.end());
    for (const int i : fold.test) {
      ++tested[static_cast<std::size_t>(i)];
      EXPECT_FALSE(train.count(i));
    }
    EXPECT_TRUE(std::is_sorted(fold.test.begin(), fold.test.end()));
  }
  EXPECT_TRUE(std::all_of(tested.begin(), tested.end(), [](int n) { return n == 1; }));
  for (int c = 0; c < 3; ++c) {
    std::vector<int> per_fold;
    for (const Fold& fold : folds)
      per_fold.push_back(
          static_cast<int>(std::count_if(fold.test.begin(), fold.test.end(), [&](int i) {
            return labels[static_cast<std::size_t>(i)] == c;
          })));
    const auto [lo, hi] = std::minmax_element(per_fold.begin(), per_fold.end());
    EXPECT_LE(*hi - *lo, 1) << "class " << c;
  }
}

TEST(StratifiedKFold, SameSeedSameFoldsOtherSeedOtherFolds) {
  const std::vector<int> labels = imbalanced_labels();
  EXPECT_EQ(stratified_kfold(labels, 3, 7)[0].test, stratified_kfold(labels, 3, 7)[0].test);
  EXPECT_NE(stratified_kfold(labels, 3, 7)[0].test, stratified_kfold(labels, 3, 8)[0].test);
}

TEST(StratifiedKFold, RejectsMoreFoldsThanItems) {
  const std::vector<int> labels = {0, 1};
  EXPECT_THROW(stratified_kfold(labels, 3, 0), Error);
}

TEST(GroupKFold, PlacesLargestGroupsFirstIntoTheLightestFold) {
  // Sizes a 3, b 2, c 2, d 1 → a:f0, b:f1, c:f1 (2 < 3), d:f0.
  const std::vector<std::string> groups = {"a", "b", "a", "c", "b", "a", "d", "c"};
  const std::vector<Fold> folds = group_kfold(groups, 2);
  EXPECT_EQ(folds[0].test, (std::vector<int>{0, 2, 5, 6}));
  EXPECT_EQ(folds[1].test, (std::vector<int>{1, 3, 4, 7}));
}

TEST(GroupKFold, NoGroupSpansTwoFolds) {
  std::vector<std::string> groups;
  for (int i = 0; i < 50; ++i)
    groups.push_back("artist" + std::to_string((i * 7) % 11));
  const std::vector<Fold> folds = group_kfold(groups, 4);
  std::map<std::string, std::set<int>> folds_of;
  for (std::size_t f = 0; f < folds.size(); ++f)
    for (const int i : folds[f].test)
      folds_of[groups[static_cast<std::size_t>(i)]].insert(static_cast<int>(f));
  for (const auto& [group, where] : folds_of)
    EXPECT_EQ(where.size(), 1u) << group;
  EXPECT_THROW(group_kfold(groups, 12), Error);  // 11 groups
}

TEST(StratifiedSplit, HoldsOutTheFractionOfEachClassButNeverAClassesLastItem) {
  std::vector<int> labels(20, 0);
  labels[0] = 1;  // a class with one item stays in training
  for (int i = 1; i < 11; ++i)
    labels[static_cast<std::size_t>(i)] = 2;
  const Split split = stratified_split(labels, 0.2, 3);
  int validation_by_class[3] = {0, 0, 0};
  for (const int i : split.validation)
    ++validation_by_class[labels[static_cast<std::size_t>(i)]];
  EXPECT_EQ(validation_by_class[0], 2);  // 9 items → round(1.8)
  EXPECT_EQ(validation_by_class[1], 0);
  EXPECT_EQ(validation_by_class[2], 2);  // 10 items
  EXPECT_EQ(split.train.size() + split.validation.size(), labels.size());
}

}  // namespace
}  // namespace mirkit::models
