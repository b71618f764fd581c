#include <gtest/gtest.h>

#include "mirkit/core/error.hpp"
#include "mirkit/models/gradient_boosting.hpp"
#include "mirkit/models/random_forest.hpp"
#include "synthetic.hpp"

namespace mirkit::models {
namespace {

// Well separated blobs (centres ±4 apart in 8 dimensions, unit noise): the Bayes error is far
// below 1 %, so 95 % held-out accuracy is a floor any working tree ensemble clears.
struct Split {
  test::Dataset train, test;
};
Split separable() {
  const test::Dataset all = test::make_blobs(600, 8, 4, 4.0, 21);
  return {test::slice(all, 0, 400), test::slice(all, 400, 600)};
}

template <typename Model>
ModelState state_of(const Model& model) {
  ModelState state;
  model.save(state);
  return state;
}

TEST(RandomForest, ReachesKnownAccuracyAndReportsOob) {
  const Split data = separable();
  RandomForestOptions options;
  options.trees = 50;
  RandomForest forest(options);
  forest.fit(data.train.x, data.train.labels, 4, {});
  EXPECT_GE(test::accuracy(forest.predict_proba(data.test.x), data.test.labels), 0.95);
  const Json report = forest.training_report();
  EXPECT_GE(report["oob_score"].get<double>(), 0.9);
  double total = 0;
  for (const Json& v : report["feature_importances"])
    total += v.get<double>();
  EXPECT_NEAR(total, 1.0, 1e-9);  // normalised per tree, averaged: sums to 1 up to rounding
  const dsp::Matrix proba = forest.predict_proba(data.test.x);
  EXPECT_TRUE(proba.rowwise().sum().isApproxToConstant(1.0f, 1e-5f));
}

TEST(RandomForest, IsIdenticalForOneAndTwoThreads) {
  const Split data = separable();
  RandomForestOptions options;
  options.trees = 20;
  options.criterion = "entropy";
  options.max_features = "0.5";
  RandomForest one(options), two(options);
  FitOptions fit;
  fit.seed = 9;
  fit.threads = 1;
  one.fit(data.train.x, data.train.labels, 4, fit);
  fit.threads = 2;
  two.fit(data.train.x, data.train.labels, 4, fit);
  EXPECT_EQ(one.predict_proba(data.test.x), two.predict_proba(data.test.x));
  const ModelState a = state_of(one), b = state_of(two);
  EXPECT_EQ(a.values, b.values);
  for (const auto& [name, tensor] : a.tensors)
    EXPECT_EQ(tensor.bytes, b.tensors.at(name).bytes) << name;
}

RandomForestOptions with_trees(int trees) {
  RandomForestOptions options;
  options.trees = trees;
  return options;
}

// `state` with one entry of the integer tensor `name` replaced.
void edit_ints(ModelState& state, const std::string& name, std::size_t at, std::int64_t value) {
  std::vector<std::int64_t> values = state.tensors.at(name).to_int64();
  values.at(at) = value;
  state.tensors[name] = io::Tensor::from_int64({static_cast<std::int64_t>(values.size())}, values);
}

TEST(RandomForest, SaveLoadRoundTripsAndRejectsABrokenTree) {
  const Split data = separable();
  RandomForest forest(with_trees(5));
  forest.fit(data.train.x, data.train.labels, 4, {});
  ModelState state = state_of(forest);
  RandomForest back;
  back.load(state);
  EXPECT_EQ(back.predict_proba(data.test.x), forest.predict_proba(data.test.x));
  // A child index pointing outside its tree would send predict astray: rejected on load.
  edit_ints(state, "forest.left", 0, 100000);
  EXPECT_THROW(back.load(state), Error);
}

TEST(RandomForest, RejectsTreeOffsetsPastTheNodes) {
  // A model file whose first tree claims more nodes than the file holds (the last offset still
  // the node count): a heap overflow on load before, found by fuzz_safetensors.
  const Split data = separable();
  RandomForest forest(with_trees(3));
  forest.fit(data.train.x, data.train.labels, 4, {});
  ModelState state = state_of(forest);
  const std::int64_t nodes = state.tensors.at("forest.tree_offsets").to_int64().back();
  edit_ints(state, "forest.tree_offsets", 1, nodes + 1000);
  RandomForest back;
  try {
    back.load(state);
    FAIL() << "loaded a forest whose tree_offsets point past its nodes";
  } catch (const Error& error) {
    EXPECT_NE(error.cause().find("'forest.tree_offsets' points past the"), std::string::npos)
        << error.what();
  }
}

TEST(RandomForest, RejectsAnUnknownMaxFeatures) {
  RandomForestOptions options;
  options.max_features = "half";
  EXPECT_THROW(RandomForest{options}, Error);
  EXPECT_EQ(resolve_max_features("sqrt", 100), 10);
  EXPECT_EQ(resolve_max_features("log2", 100), 6);
  EXPECT_EQ(resolve_max_features("0.25", 100), 25);
  EXPECT_EQ(resolve_max_features("12", 100), 12);
}

TEST(GradientBoosting, ReachesKnownAccuracy) {
  const Split data = separable();
  GradientBoostingOptions options;
  options.rounds = 50;
  GradientBoosting boosting(options);
  boosting.fit(data.train.x, data.train.labels, 4, {});
  EXPECT_GE(test::accuracy(boosting.predict_proba(data.test.x), data.test.labels), 0.95);
}

TEST(GradientBoosting, StopsEarlyWhenTheHoldOutLossTurnsUp) {
  // Overlapping classes (centres within ±0.5): past a few rounds the trees fit noise and the
  // validation log loss rises, so training stops `patience` rounds after its minimum.
  const test::Dataset noisy = test::make_blobs(400, 8, 4, 0.5, 22);
  GradientBoostingOptions options;
  options.rounds = 300;
  options.learning_rate = 0.3;
  GradientBoosting boosting(options);
  boosting.fit(noisy.x, noisy.labels, 4, {});
  const Json report = boosting.training_report();
  EXPECT_LT(report["rounds"].get<int>(), 100);
  EXPECT_EQ(report["rounds_grown"].get<int>(), report["rounds"].get<int>() + options.patience);
  EXPECT_EQ(report["validation_items"].get<int>(), 40);  // 10 % of each class of 100
}

TEST(GradientBoosting, IsIdenticalForOneAndTwoThreads) {
  const Split data = separable();
  GradientBoostingOptions options;
  options.rounds = 30;
  options.subsample = 0.7;
  GradientBoosting one(options), two(options);
  FitOptions fit;
  fit.seed = 4;
  fit.threads = 1;
  one.fit(data.train.x, data.train.labels, 4, fit);
  fit.threads = 2;
  two.fit(data.train.x, data.train.labels, 4, fit);
  EXPECT_EQ(one.predict_proba(data.test.x), two.predict_proba(data.test.x));
  const ModelState a = state_of(one), b = state_of(two);
  for (const auto& [name, tensor] : a.tensors)
    EXPECT_EQ(tensor.bytes, b.tensors.at(name).bytes) << name;
}

TEST(GradientBoosting, SaveLoadRoundTrips) {
  const Split data = separable();
  GradientBoostingOptions options;
  options.rounds = 10;
  options.validation_fraction = 0;
  GradientBoosting boosting(options);
  FitOptions fit;
  fit.class_weights = {1, 2, 1, 0.5};
  boosting.fit(data.train.x, data.train.labels, 4, fit);
  GradientBoosting back;
  back.load(state_of(boosting));
  EXPECT_EQ(back.predict_proba(data.test.x), boosting.predict_proba(data.test.x));
  ModelState state = state_of(boosting);
  state.tensors.erase("initial_scores");
  EXPECT_THROW(back.load(state), Error);
}

}  // namespace
}  // namespace mirkit::models
