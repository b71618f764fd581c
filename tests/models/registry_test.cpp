#include "mirkit/models/registry.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>

#include "mirkit/core/error.hpp"
#include "mirkit/models/balancing.hpp"
#include "mirkit/models/model_config.hpp"
#include "mirkit/models/one_vs_rest.hpp"
#include "synthetic.hpp"

namespace mirkit::models {
namespace {

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& error) {
    return error.what();
  }
  return "(no error)";
}

// Small, fast settings per model so the round trip of every registry entry stays quick.
Json small_params(const std::string& name) {
  if (name == "random_forest") return {{"trees", 10}};
  if (name == "gradient_boosting") return {{"rounds", 10}};
  if (name == "hmm") return {{"states", 2}, {"max_iterations", 5}};
  return Json::object();
}

struct Frames {
  dsp::Matrix frames;
  std::vector<std::int64_t> offsets{0};
  std::vector<int> labels;
};

Frames frames_from(const test::Dataset& data, int per_item) {
  Frames out;
  out.frames = data.x;
  for (Eigen::Index i = 0; i + per_item <= data.x.rows(); i += per_item) {
    out.offsets.push_back(i + per_item);
    out.labels.push_back(data.labels[static_cast<std::size_t>(i)]);
  }
  out.frames.conservativeResize(out.offsets.back(), Eigen::NoChange);
  return out;
}

TEST(Registry, EveryModelTrainsSavesAndRestoresWithIdenticalPredictions) {
  const test::Dataset data = test::make_blobs(90, 4, 3, 3.0, 3);
  // Frame items: 5 consecutive rows of the same class (classes repeat every 3 rows, so rows
  // 3j + c for j in a block of 5).
  test::Dataset sorted = data;
  for (int i = 0; i < 90; ++i) {
    const int c = i / 30, j = i % 30;
    sorted.x.row(i) = data.x.row(3 * j + c);
    sorted.labels[static_cast<std::size_t>(i)] = c;
  }
  const Frames frames = frames_from(sorted, 5);
  for (const ClassifierDefinition& definition : classifier_registry()) {
    SCOPED_TRACE(definition.name);
    // A network is trained by nn::train_network (tests/cli/network_training_test.cpp).
    if (definition.input == InputKind::windows) continue;
    const ModelConfig config = read_model_config(
        {{"model", definition.name}, {"params", small_params(definition.name)}}, "test");
    ModelState state;
    FitOptions fit;
    fit.seed = 5;
    if (definition.input == InputKind::pooled) {
      auto model = create_classifier(config);
      model->fit(data.x, data.labels, 3, fit);
      const dsp::Matrix proba = model->predict_proba(data.x);
      EXPECT_TRUE(proba.rowwise().sum().isApproxToConstant(1.0f, 1e-5f));
      EXPECT_GE(test::accuracy(proba, data.labels), 0.8);
      model->save(state);
      EXPECT_EQ(restore_classifier(state)->predict_proba(data.x), proba);
    } else {
      const SequenceView view{frames.frames, frames.offsets};
      auto model = create_sequence_classifier(config);
      model->fit(view, frames.labels, 3, fit);
      const dsp::Matrix proba = model->predict_proba(view);
      EXPECT_GE(test::accuracy(proba, frames.labels), 0.8);
      model->save(state);
      EXPECT_EQ(restore_sequence_classifier(state)->predict_proba(view), proba);
    }
    // Every tensor is needed: dropping any one is an error that names it.
    const std::string first = state.tensors.begin()->first;
    ModelState broken = state;
    broken.tensors.erase(first);
    const std::string message = message_of([&] {
      if (definition.input == InputKind::pooled) {
        restore_classifier(broken);
      } else {
        restore_sequence_classifier(broken);
      }
    });
    EXPECT_NE(message.find("tensor '" + first + "' is missing"), std::string::npos) << message;
  }
}

TEST(Registry, EveryModelIsTheSameForOneAndTwoThreads) {
  const test::Dataset data = test::make_blobs(90, 4, 3, 1.0, 4);
  const Frames frames = frames_from(data, 5);
  const SequenceView view{frames.frames, frames.offsets};
  for (const ClassifierDefinition& definition : classifier_registry()) {
    SCOPED_TRACE(definition.name);
    if (definition.input == InputKind::windows) continue;  // tests/nn/train_*: any -j
    Json params = small_params(definition.name);
    if (definition.name == "svm")
      params = {{"grid_search", true},
                {"log2_c", {-1, 3, 2}},
                {"log2_gamma", {-1, -3, -1}},
                {"folds", 3}};
    const ModelConfig config =
        read_model_config({{"model", definition.name}, {"params", params}}, "test");
    std::vector<dsp::Matrix> results;
    for (const int threads : {1, 2}) {
      FitOptions fit;
      fit.seed = 11;
      fit.threads = threads;
      if (definition.input == InputKind::pooled) {
        auto model = create_classifier(config);
        model->fit(data.x, data.labels, 3, fit);
        results.push_back(model->predict_proba(data.x));
      } else {
        auto model = create_sequence_classifier(config);
        model->fit(view, frames.labels, 3, fit);
        results.push_back(model->predict_proba(view));
      }
    }
    EXPECT_EQ(results[0], results[1]);
  }
}

// "network" is one of the models: listed with them, its settings the recipe's sections, trained
// by nn from its own recipe rather than from "params".
TEST(Registry, NetworkIsAModelTrainedFromItsOwnRecipe) {
  const ClassifierDefinition& network = find_classifier("network");
  EXPECT_EQ(network.input, InputKind::windows);
  EXPECT_TRUE(network.records_learning_curves);
  const auto& specs = network.params.specs();
  const auto epochs = std::find_if(specs.begin(), specs.end(),
                                   [](const ParamSpec& s) { return s.name == "training.epochs"; });
  ASSERT_NE(epochs, specs.end());
  EXPECT_EQ(epochs->default_value, 30);  // TrainingSettings' own default
  const std::string message = message_of([] {
    read_model_config({{"model", "network"}}, "x.json");
  });
  EXPECT_NE(message.find("x.json: 'network' is trained from a network recipe"), std::string::npos)
      << message;
}

TEST(Registry, UnknownModelErrorListsTheKnownNames) {
  const std::string message = message_of([] { find_classifier("random_forrest"); });
  EXPECT_NE(message.find("did you mean 'random_forest'"), std::string::npos) << message;
  EXPECT_NE(message.find("knn, svm"), std::string::npos) << message;
}

TEST(ModelConfig, RejectsUnknownAndMistypedKeysNamingThem) {
  EXPECT_NE(message_of([] {
              read_model_config({{"model", "svm"}, {"seeed", 1}}, "x.json");
            }).find("'seeed'"),
            std::string::npos);
  const std::string params = message_of([] {
    read_model_config({{"model", "svm"}, {"params", {{"kernal", "rbf"}}}}, "x.json");
  });
  EXPECT_NE(params.find("x.json: params (svm): 'kernal'"), std::string::npos) << params;
  EXPECT_NE(message_of([] {
              read_model_config(
                  {{"model", "random_forest"}, {"params", {{"max_features", "half"}}}}, "x.json");
            }).find("max_features"),
            std::string::npos);
  EXPECT_THROW(read_model_config({{"params", Json::object()}}, "x.json"), Error);  // no model
}

TEST(ModelConfig, ShippedConfigsAreValidAndRecordEveryDefault) {
  int count = 0, classical = 0;
  for (const ClassifierDefinition& definition : classifier_registry())
    if (definition.input != InputKind::windows) ++classical;
  for (const auto& entry : std::filesystem::directory_iterator(MIRKIT_CONFIG_DIR "/models")) {
    SCOPED_TRACE(entry.path().string());
    // Network recipes are read by nn::train_network (tests/cli/network_training_test.cpp
    // trains both shipped ones).
    std::ifstream in(entry.path());
    if (Json::parse(in).value("model", std::string()) == "network") continue;
    const ModelConfig config = load_model_config(entry.path());
    EXPECT_EQ(entry.path().stem().string(), config.model);
    EXPECT_EQ(config.params.size(), find_classifier(config.model).params.specs().size());
    ++count;
  }
  EXPECT_EQ(count, classical);
}

TEST(Balancing, WeightsAndOversamplingFollowTheClassCounts) {
  const std::vector<int> labels = {0, 0, 0, 0, 1, 1, 2, 0};
  const std::vector<double> w = balanced_class_weights(labels, 4);
  // n / (k n_c) with n = 8, k = 3 present classes; class 3 is absent → 1.
  EXPECT_DOUBLE_EQ(w[0], 8.0 / 15);
  EXPECT_DOUBLE_EQ(w[1], 8.0 / 6);
  EXPECT_DOUBLE_EQ(w[2], 8.0 / 3);
  EXPECT_DOUBLE_EQ(w[3], 1.0);
  const std::vector<int> rows = random_oversample(labels, 4, 1);
  std::vector<int> counts(4, 0);
  for (const int r : rows)
    ++counts[static_cast<std::size_t>(labels[static_cast<std::size_t>(r)])];
  EXPECT_EQ(counts, (std::vector<int>{5, 5, 5, 0}));
  EXPECT_EQ(std::vector<int>(rows.begin(), rows.begin() + 8),
            (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7}));
}

TEST(ModelConfig, BalancedWeighsWhereSupportedAndOversamplesElsewhere) {
  test::Dataset data = test::make_blobs(60, 3, 2, 3.0, 9);
  for (int i = 0; i < 60; ++i)  // 50 of class 0, 10 of class 1
    data.labels[static_cast<std::size_t>(i)] = i < 50 ? 0 : 1;
  auto svm = create_classifier(
      read_model_config({{"model", "svm"}, {"class_weight", "balanced"}}, "test"));
  svm->fit(data.x, data.labels, 2, {});
  EXPECT_EQ(svm->training_report()["class_weights"], Json::array({0.6, 3.0}));
  auto knn = create_classifier(
      read_model_config({{"model", "knn"}, {"class_weight", "balanced"}}, "test"));
  knn->fit(data.x, data.labels, 2, {});
  EXPECT_EQ(knn->training_report()["oversampled_items"], 40);
}

TEST(OneVsRest, BestF1ThresholdMatchesHandComputedChoice) {
  const std::vector<int> truth = {1, 0, 1, 0, 0};
  const std::vector<float> scores = {0.9f, 0.8f, 0.6f, 0.3f, 0.1f};
  // Top 1: F1 2/3; top 2: 1/2; top 3: 4/5; top 4: 2/3 → threshold 0.6.
  EXPECT_FLOAT_EQ(static_cast<float>(best_f1_threshold(truth, scores, 0.5)), 0.6f);
  const std::vector<int> none = {0, 0, 0, 0, 0};
  EXPECT_EQ(best_f1_threshold(none, scores, 0.5), 0.5);
}

TEST(OneVsRest, TagsTrainTuneAndRoundTrip) {
  const test::Dataset data = test::make_blobs(150, 4, 3, 3.0, 12);
  dsp::Matrix tags(150, 3);
  for (int i = 0; i < 150; ++i) {
    tags(i, 0) = data.labels[static_cast<std::size_t>(i)] == 0 ? 1.0f : 0.0f;
    tags(i, 1) = data.labels[static_cast<std::size_t>(i)] != 2 ? 1.0f : 0.0f;
    tags(i, 2) = 1.0f;  // always on: a constant tag
  }
  for (const std::string thresholds : {"fixed", "tuned"}) {
    SCOPED_TRACE(thresholds);
    const ModelConfig config = read_model_config(
        {{"model", "knn"}, {"multi_label", {{"thresholds", thresholds}}}}, "test");
    auto ovr = create_multilabel_classifier(config);
    ovr->fit(data.x, tags, {});
    const dsp::Matrix predicted = ovr->predict(data.x);
    EXPECT_GE((predicted.array() == tags.array()).cast<float>().mean(), 0.9f);
    EXPECT_EQ(predicted.col(2), Eigen::VectorXf::Ones(150));
    if (thresholds == "fixed") {
      EXPECT_EQ(ovr->thresholds()[0], 0.5);
    }
    ModelState state;
    ovr->save(state);
    const auto back = restore_multilabel_classifier(state);
    EXPECT_EQ(back->predict_scores(data.x), ovr->predict_scores(data.x));
    EXPECT_EQ(back->thresholds(), ovr->thresholds());
  }
}

TEST(OneVsRest, FrameSequenceModelsTagTheirItems) {
  // 36 items of 6 two-dimensional frames. Tag 0 is on when an item holds frames from around
  // (4, 0), tag 1 when it holds frames from around (0, 4); every third item holds both.
  std::mt19937_64 rng(21);
  std::normal_distribution<float> noise(0.0f, 0.5f);
  Sequences items;
  items.frames.resize(36 * 6, 2);
  dsp::Matrix tags = dsp::Matrix::Zero(36, 2);
  for (int i = 0; i < 36; ++i) {
    const int kind = i % 3;  // 0: tag 0, 1: tag 1, 2: both
    tags(i, 0) = kind != 1 ? 1.0f : 0.0f;
    tags(i, 1) = kind != 0 ? 1.0f : 0.0f;
    for (int f = 0; f < 6; ++f) {
      const bool first_cluster = kind == 0 || (kind == 2 && f % 2 == 0);
      items.frames(i * 6 + f, 0) = (first_cluster ? 4.0f : 0.0f) + noise(rng);
      items.frames(i * 6 + f, 1) = (first_cluster ? 0.0f : 4.0f) + noise(rng);
    }
    items.offsets.push_back(items.offsets.back() + 6);
  }
  for (const std::string model : {"gmm_frames", "hmm"}) {
    for (const std::string thresholds : {"fixed", "tuned"}) {
      SCOPED_TRACE(model + ", " + thresholds);
      const ModelConfig config = read_model_config({{"model", model},
                                                    {"params", small_params(model)},
                                                    {"multi_label", {{"thresholds", thresholds}}}},
                                                   "test");
      auto ovr = create_multilabel_sequence_classifier(config);
      ovr->fit(items.view(), tags, {.seed = 4});
      // Clusters 8 standard deviations apart: every item's tags are found.
      EXPECT_EQ(ovr->predict(items.view()), tags);
      ModelState state;
      ovr->save(state);
      const auto back = restore_multilabel_sequence_classifier(state);
      EXPECT_EQ(back->predict_scores(items.view()), ovr->predict_scores(items.view()));
      EXPECT_EQ(back->thresholds(), ovr->thresholds());
    }
  }
  const ModelConfig pooled = read_model_config({{"model", "knn"}}, "test");
  EXPECT_NE(message_of([&] { create_multilabel_sequence_classifier(pooled); }).find("pooled"),
            std::string::npos);
}

// What the commands ask of a model is declared by its definition: explain and train
// --plot-curves read these instead of naming model types.
TEST(Registry, CapabilitiesAreDeclaredByTheDefinitions) {
  std::vector<std::string> curves, importances;
  for (const ClassifierDefinition& definition : classifier_registry()) {
    if (definition.records_learning_curves) curves.push_back(definition.name);
    if (!definition.importance_measure.empty()) importances.push_back(definition.name);
  }
  EXPECT_EQ(curves, (std::vector<std::string>{"gradient_boosting", "network"}));
  EXPECT_EQ(importances, (std::vector<std::string>{"random_forest", "gradient_boosting"}));
}

}  // namespace
}  // namespace mirkit::models
