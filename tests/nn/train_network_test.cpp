// nn::train_network end to end on synthetic frame sequences whose class is the frequency band
// that carries the energy: it learns, gives the same bytes for a seed on any number of threads,
// stops early, fine-tunes a new head on a frozen trunk, and trains multi-task heads.
#include <gtest/gtest.h>

#include "../../src/core/random.hpp"
#include "mirkit/core/error.hpp"
#include "mirkit/io/safetensors.hpp"
#include "mirkit/nn/network.hpp"
#include "mirkit/nn/training.hpp"
#include "support/temp_dir.hpp"

namespace mirkit::nn {
namespace {

constexpr int kDims = 8;

// Clip i: 12 to 19 frames of noise with a band of 2 bins raised, the band being its class.
struct Synthetic {
  std::vector<std::vector<float>> frames;
  TrainingSet set;

  Synthetic(int clips, int classes, std::uint64_t seed) {
    Random random(seed);
    set.dims = kDims;
    set.targets = Matrix::Zero(clips, classes);
    for (int i = 0; i < clips; ++i) {
      const int c = i % classes;
      const int rows = 12 + static_cast<int>(random.index(8));
      std::vector<float> values(static_cast<std::size_t>(rows * kDims));
      for (int r = 0; r < rows; ++r) {
        for (int b = 0; b < kDims; ++b) {
          const bool band = b / 2 == c;
          values[static_cast<std::size_t>(r * kDims + b)] =
              static_cast<float>(random.normal() * 0.5 + (band ? 2.0 : 0.0));
        }
      }
      frames.push_back(std::move(values));
      set.targets(i, c) = 1.0f;
    }
    for (const auto& f : frames)
      set.clips.emplace_back(f);
  }
};

Json recipe(int classes) {
  Json r = Json::parse(R"({
    "model": "network",
    "network": {"input_shape": [1, 8, 8], "layers": [
      {"type": "conv2d", "in_channels": 1, "out_channels": 4, "kernel_size": [3, 3],
       "padding": [1, 1]},
      {"type": "batch_norm", "num_features": 4}, {"type": "relu"},
      {"type": "dropout", "p": 0.1}, {"type": "flatten"},
      {"type": "linear", "in_features": 256, "out_features": 16}, {"type": "relu"},
      {"type": "linear", "in_features": 16, "out_features": "classes"}]},
    "training": {"epochs": 25, "batch_size": 16, "micro_batch": 4, "learning_rate": 0.02,
                 "validation_fraction": 0.25, "patience": 0, "seed": 3},
    "augment": {"time_masks": 1, "time_mask_width": 2, "mixup_alpha": 0.2}
  })");
  (void)classes;
  return r;
}

std::vector<std::string> names(int classes, const std::string& prefix = "c") {
  std::vector<std::string> out;
  for (int c = 0; c < classes; ++c)
    out.push_back(prefix + std::to_string(c));
  return out;
}

NetworkTrainingResult run(const TrainingSet& set, Json r, int classes, int threads = 1) {
  NetworkTrainingOptions options;
  options.recipe = std::move(r);
  options.where = "recipe";
  options.classes = names(classes);
  options.threads = threads;
  return train_network(set, options);
}

Network load(const std::string& bytes) {
  return Network::from_bytes(
      std::span(reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()), "trained");
}

// The share of `clips` (clip i of class i % classes) whose windows of 8 frames the network puts
// in the right class.
double accuracy(const Network& network, const Synthetic& clips, int classes) {
  int correct = 0;
  for (std::size_t i = 0; i < clips.frames.size(); ++i) {
    const ConstMatrixMap rows(clips.frames[i].data(),
                              static_cast<Eigen::Index>(clips.frames[i].size()) / kDims, kDims);
    const WindowPredictions p = network.predict_windows(rows, 8, 8, Aggregate::mean);
    Eigen::Index top = 0;
    p.clip.maxCoeff(&top);
    correct += top == static_cast<Eigen::Index>(i % static_cast<std::size_t>(classes));
  }
  return static_cast<double>(correct) / static_cast<double>(clips.frames.size());
}

TEST(TrainNetwork, LearnsTheBandsAndTheFileLoads) {
  const Synthetic data(48, 3, 1);
  const NetworkTrainingResult result = run(data.set, recipe(3), 3);
  ASSERT_FALSE(result.epochs.empty());
  EXPECT_EQ(result.training_clips + result.validation_clips, 48);
  EXPECT_EQ(result.validation_clips, 12);  // a quarter, stratified: 4 per class
  const EpochReport& best = result.epochs[static_cast<std::size_t>(result.best_epoch - 1)];
  EXPECT_GE(*best.validation_accuracy, 0.9);
  EXPECT_LT(result.epochs.back().train_loss, result.epochs.front().train_loss);
  const Network network = load(result.model);
  EXPECT_EQ(network.classes(), names(3));
  // Fresh clips, never seen: the saved network classifies them.
  EXPECT_GE(accuracy(network, Synthetic(30, 3, 99), 3), 0.9);
}

TEST(TrainNetwork, SameSeedSameBytesOnAnyThreadCount) {
  const Synthetic data(24, 2, 2);
  Json r = recipe(2);
  r["training"]["epochs"] = 3;
  const std::string one = run(data.set, r, 2, 1).model;
  EXPECT_EQ(one, run(data.set, r, 2, 2).model);
  EXPECT_EQ(one, run(data.set, r, 2, 3).model);
  r["training"]["seed"] = 4;
  EXPECT_NE(one, run(data.set, r, 2, 1).model);
}

TEST(TrainNetwork, StopsEarlyAndKeepsTheBestEpoch) {
  const Synthetic data(24, 2, 2);
  Json r = recipe(2);
  // Weights that never move: only batch norm's running statistics drift, so the validation
  // loss soon stops improving.
  r["training"]["learning_rate"] = 0.0;
  r["training"]["schedule"] = "constant";
  r["training"]["patience"] = 2;
  const NetworkTrainingResult result = run(data.set, r, 2);
  ASSERT_LT(result.epochs.size(), 25u);
  EXPECT_EQ(result.epochs.size(), static_cast<std::size_t>(result.best_epoch) + 2);
  EXPECT_TRUE(result.epochs[static_cast<std::size_t>(result.best_epoch) - 1].best);
  const Json meta =
      io::decode_safetensors(
          std::span(reinterpret_cast<const std::byte*>(result.model.data()), result.model.size()),
          "m")
          .metadata;
  EXPECT_EQ(meta["training"]["best_epoch"], result.best_epoch);
  EXPECT_EQ(meta["training"]["epochs"].size(), result.epochs.size());
}

TEST(TrainNetwork, FineTunesANewHeadOnAFrozenTrunk) {
  test::TempDir dir;
  const Synthetic base_data(48, 3, 1);
  const std::string base = run(base_data.set, recipe(3), 3).model;
  test::write_bytes(dir / "base.safetensors", base);

  // Four classes now (bands 0-3): keep everything up to the hidden ReLU, a new head.
  const Synthetic data(48, 4, 5);
  Json r = recipe(4);
  r["network"] = Json::parse(
      R"({"layers": [{"type": "linear", "in_features": 16, "out_features": "classes"}]})");
  r["fine_tune"] = {{"from", (dir / "base.safetensors").string()}, {"keep_layers", 7}};
  r["training"]["epochs"] = 30;
  r["training"]["learning_rate"] = 0.05;
  const NetworkTrainingResult tuned = run(data.set, r, 4);
  const auto read = [](const std::string& bytes) {
    return io::decode_safetensors(
        std::span(reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()), "m");
  };
  const io::TensorFile before = read(base), after = read(tuned.model);
  for (const auto& [name, tensor] : before.tensors) {
    if (std::stoi(name) < 7) {
      EXPECT_EQ(after.tensors.at(name).bytes, tensor.bytes) << name << " moved";
    }
  }
  EXPECT_EQ(after.tensors.at("7.weight").shape, (std::vector<std::int64_t>{4, 16}));
  EXPECT_EQ(load(tuned.model).classes().size(), 4u);
  EXPECT_LT(tuned.epochs.back().train_loss, tuned.epochs.front().train_loss);
}

// The base model here was built and exported by PyTorch (scripts/export_torch.py: the parity
// fixture's VGG, 32 frames × 24 bands): keep everything but its last layer, train a new head
// for two classes on frozen PyTorch weights.
TEST(TrainNetwork, FineTunesAModelExportedFromPyTorch) {
  const std::string base = std::string(MIRKIT_NN_DATA_DIR) + "/arch_vgg.safetensors";
  Random random(7);
  std::vector<std::vector<float>> frames;
  TrainingSet set;
  set.dims = 24;
  set.targets = Matrix::Zero(24, 2);
  for (int i = 0; i < 24; ++i) {
    std::vector<float> values(40 * 24);
    for (std::size_t k = 0; k < values.size(); ++k)
      values[k] = static_cast<float>(random.normal() + ((k % 24 < 12) == (i % 2 == 0) ? 1.5 : 0));
    frames.push_back(std::move(values));
    set.targets(i, i % 2) = 1.0f;
  }
  for (const auto& f : frames)
    set.clips.emplace_back(f);
  NetworkTrainingOptions options;
  options.recipe = Json::parse(R"({"model": "network",
      "network": {"layers": [{"type": "linear", "in_features": 16, "out_features": "classes"}]},
      "training": {"epochs": 15, "batch_size": 8, "micro_batch": 4, "learning_rate": 0.05,
                   "validation_fraction": 0.25, "seed": 1}})");
  options.recipe["fine_tune"] = {{"from", base}};
  options.where = "recipe";
  options.classes = {"left", "right"};
  const NetworkTrainingResult tuned = train_network(set, options);
  const Network network = load(tuned.model);
  EXPECT_EQ(network.input_shape(), (Shape{1, 32, 24}));
  EXPECT_EQ(network.classes().size(), 2u);
  const io::TensorFile before = io::read_safetensors(base);
  const io::TensorFile after = io::decode_safetensors(
      std::span(reinterpret_cast<const std::byte*>(tuned.model.data()), tuned.model.size()), "m");
  for (const auto& [name, tensor] : before.tensors) {
    if (std::stoi(name) < 15) {
      EXPECT_EQ(after.tensors.at(name).bytes, tensor.bytes) << name;
    }
  }
  EXPECT_EQ(after.tensors.at("15.weight").shape, (std::vector<std::int64_t>{2, 16}));
  EXPECT_LT(tuned.epochs.back().train_loss, tuned.epochs.front().train_loss);
}

// Two tasks that disagree: "low" — which of bins 0-1 or 2-3 carries energy — and "high" — whether
// bins 6-7 do too — drawn independently, so each head has to read its own part of the input.
struct TwoTasks {
  std::vector<std::vector<float>> frames;
  std::vector<int> low, high;
  TrainingSet set;

  TwoTasks(int clips, std::uint64_t seed) {
    Random random(seed);
    set.dims = kDims;
    set.targets = Matrix::Zero(clips, 4);  // low=a, low=b, high=no, high=yes
    for (int i = 0; i < clips; ++i) {
      low.push_back(i % 2);
      high.push_back((i / 2) % 2);
      std::vector<float> values(12 * kDims);
      for (std::size_t k = 0; k < values.size(); ++k) {
        const int bin = static_cast<int>(k % kDims);
        const bool raised = bin / 2 == low.back() || (high.back() == 1 && bin >= 6);
        values[k] = static_cast<float>(random.normal() * 0.5 + (raised ? 2.0 : 0.0));
      }
      frames.push_back(std::move(values));
      set.targets(i, low.back()) = 1;
      set.targets(i, 2 + high.back()) = 1;
    }
    for (const auto& f : frames)
      set.clips.emplace_back(f);
  }
};

// Each head learns its own task: on fresh clips, each head's accuracy on its own labels, where
// the two tasks' labels agree on only half the clips (a head copying the other task, or reading
// the wrong bins, scores 0.5).
TEST(TrainNetwork, MultiTaskHeadsEachLearnTheirOwnTask) {
  const TwoTasks data(48, 6);
  NetworkTrainingOptions options;
  options.recipe = recipe(4);
  options.recipe["training"]["tasks"] = {"low", "high"};
  options.where = "recipe";
  options.classes = {"low=a", "low=b", "high=no", "high=yes"};
  options.multi_label = true;
  const Network network = load(train_network(data.set, options).model);
  ASSERT_EQ(network.tasks().size(), 2u);
  const TwoTasks fresh(40, 60);
  int agree = 0, low_right = 0, high_right = 0;
  for (std::size_t i = 0; i < fresh.frames.size(); ++i) {
    agree += fresh.low[i] == fresh.high[i];
    const ConstMatrixMap rows(fresh.frames[i].data(), 12, kDims);
    const WindowPredictions p = network.predict_windows(rows, 8, 4, Aggregate::mean);
    EXPECT_NEAR(p.clip[0] + p.clip[1], 1.0f, 1e-5);  // a softmax per task
    EXPECT_NEAR(p.clip[2] + p.clip[3], 1.0f, 1e-5);
    low_right += (p.clip[1] > p.clip[0]) == (fresh.low[i] == 1);
    high_right += (p.clip[3] > p.clip[2]) == (fresh.high[i] == 1);
  }
  EXPECT_EQ(agree, 20) << "the tasks must disagree on half the clips";
  EXPECT_GE(low_right, 36) << "the 'low' head";
  EXPECT_GE(high_right, 36) << "the 'high' head";
}

// Every architecture family trains to the bands on the synthetic data, and gives the same bytes
// for a seed on any number of threads: an LSTM, a Transformer on frame embeddings, DenseNet-style
// dense blocks, and depthwise-separable convolutions. The class is where the energy lies in
// frequency, so the convolutional ones pool over time only.
struct Architecture {
  const char* name;
  const char* layers;  // input (N, 1, 8 frames, 8 bins)
};

class TrainArchitecture : public ::testing::TestWithParam<Architecture> {};

TEST_P(TrainArchitecture, LearnsAndIsTheSameOnAnyThreadCount) {
  const Synthetic data(48, 3, 1);
  Json r = recipe(3);
  r["network"]["layers"] = Json::parse(GetParam().layers);
  r["training"]["epochs"] = 20;
  const NetworkTrainingResult result = run(data.set, r, 3, 1);
  const EpochReport& best = result.epochs[static_cast<std::size_t>(result.best_epoch - 1)];
  EXPECT_GE(*best.validation_accuracy, 0.9);
  r["training"]["epochs"] = 2;
  const std::string one = run(data.set, r, 3, 1).model;
  EXPECT_EQ(one, run(data.set, r, 3, 2).model);
  EXPECT_EQ(load(one).classes(), names(3));
}

INSTANTIATE_TEST_SUITE_P(
    Families, TrainArchitecture,
    ::testing::Values(
        Architecture{"lstm", R"([{"type": "flatten", "start_dim": 1, "end_dim": 2},
            {"type": "lstm", "input_size": 8, "hidden_size": 6, "bidirectional": true},
            {"type": "attention_pooling", "in_features": 12},
            {"type": "linear", "in_features": 12, "out_features": "classes"}])"},
        Architecture{"transformer", R"([{"type": "flatten", "start_dim": 1, "end_dim": 2},
            {"type": "linear", "in_features": 8, "out_features": 8},
            {"type": "positional_embedding", "max_len": 8, "dim": 8},
            {"type": "transformer_encoder", "d_model": 8, "nhead": 2, "dim_feedforward": 16,
             "dropout": 0.1},
            {"type": "attention_pooling", "in_features": 8},
            {"type": "linear", "in_features": 8, "out_features": "classes"}])"},
        Architecture{"densenet", R"([{"type": "conv2d", "in_channels": 1, "out_channels": 4,
             "kernel_size": [3, 3], "padding": [1, 1]},
            {"type": "concat", "dim": 1, "branches": [[], [
                {"type": "batch_norm", "num_features": 4}, {"type": "relu"},
                {"type": "conv2d", "in_channels": 4, "out_channels": 4, "kernel_size": [3, 3],
                 "padding": [1, 1]}]]},
            {"type": "batch_norm", "num_features": 8}, {"type": "relu"},
            {"type": "conv2d", "in_channels": 8, "out_channels": 6, "kernel_size": [1, 1]},
            {"type": "avg_pool2d", "kernel_size": [2, 2]},
            {"type": "avg_pool2d", "kernel_size": [4, 1]}, {"type": "flatten"},
            {"type": "linear", "in_features": 24, "out_features": "classes"}])"},
        Architecture{"depthwise", R"([{"type": "conv2d", "in_channels": 1, "out_channels": 6,
             "kernel_size": [3, 3], "padding": [1, 1]}, {"type": "relu"},
            {"type": "conv2d", "in_channels": 6, "out_channels": 6, "kernel_size": [3, 3],
             "padding": [1, 1], "groups": 6},
            {"type": "batch_norm", "num_features": 6}, {"type": "relu"},
            {"type": "conv2d", "in_channels": 6, "out_channels": 4, "kernel_size": [1, 1]},
            {"type": "avg_pool2d", "kernel_size": [8, 1]}, {"type": "flatten"},
            {"type": "linear", "in_features": 32, "out_features": "classes"}])"}),
    [](const auto& test_case) { return std::string(test_case.param.name); });

TEST(TrainNetwork, TagsTrainWithSigmoidOutputs) {
  // Two tags: "low" (energy in bins 0-1) and "high" (bins 6-7), each present or not.
  Random random(3);
  std::vector<std::vector<float>> frames;
  TrainingSet set;
  set.dims = kDims;
  set.targets = Matrix::Zero(40, 2);
  for (int i = 0; i < 40; ++i) {
    const bool low = i % 2 == 0, high = (i / 2) % 2 == 0;
    std::vector<float> values(16 * kDims);
    for (std::size_t k = 0; k < values.size(); ++k) {
      const std::size_t bin = k % kDims;
      values[k] = static_cast<float>(random.normal() * 0.3 + ((low && bin < 2) ? 2.0 : 0.0) +
                                     ((high && bin >= 6) ? 2.0 : 0.0));
    }
    frames.push_back(std::move(values));
    set.targets(i, 0) = high ? 1.0f : 0.0f;  // classes sorted: "high", "low"
    set.targets(i, 1) = low ? 1.0f : 0.0f;
  }
  for (const auto& f : frames)
    set.clips.emplace_back(f);
  NetworkTrainingOptions options;
  options.recipe = recipe(2);
  options.where = "recipe";
  options.classes = {"high", "low"};
  options.multi_label = true;
  const NetworkTrainingResult result = train_network(set, options);
  const Network network = load(result.model);
  EXPECT_EQ(network.output(), OutputKind::multi_label);
  const EpochReport& best = result.epochs[static_cast<std::size_t>(result.best_epoch - 1)];
  EXPECT_GE(*best.validation_accuracy, 0.9) << "per-tag decisions at 0.5";
}

// Knowledge distillation where it pays most plainly: a teacher trained on clean labels, a student
// whose labels are systematically wrong — two thirds of class 2's clips labelled 1, as weak
// labels taken from an archive's metadata can be. Alone the student learns the wrong labels
// (band 2 → class 1); learning mostly from the teacher's softened outputs, it learns the bands.
struct Distillation {
  test::TempDir dir;
  std::string teacher_path = (dir / "teacher.safetensors").string();
  Synthetic noisy{48, 3, 7};

  Distillation() {
    test::write_bytes(teacher_path, run(Synthetic(48, 3, 1).set, recipe(3), 3).model);
    for (int i = 2; i < 48; i += 3) {
      if ((i / 3) % 3 == 0) continue;
      noisy.set.targets.row(i).setZero();
      noisy.set.targets(i, 1) = 1.0f;
    }
  }

  static Json student(std::optional<std::string> teacher, double weight = 0.9) {
    Json r = recipe(3);
    r["training"]["validation_fraction"] = 0;  // the held-out labels would be as noisy
    if (teacher) r["distill"] = {{"teacher", *teacher}, {"temperature", 2.0}, {"weight", weight}};
    return r;
  }
};

TEST(TrainNetwork, DistillationFromACleanTeacherOvercomesNoisyLabels) {
  Distillation d;
  const Synthetic fresh(60, 3, 99);
  const double teacher = accuracy(Network::load(d.teacher_path), fresh, 3);
  const double alone = accuracy(load(run(d.noisy.set, d.student({}), 3).model), fresh, 3);
  const NetworkTrainingResult distilled = run(d.noisy.set, d.student(d.teacher_path), 3);
  const double taught = accuracy(load(distilled.model), fresh, 3);
  EXPECT_GE(teacher, 0.9);
  EXPECT_LE(alone, 0.75) << "the noisy labels should mislead the student alone";
  EXPECT_GE(taught, 0.9);
  EXPECT_GE(taught, alone + 0.2);
  const Json report =
      io::decode_safetensors(std::span(reinterpret_cast<const std::byte*>(distilled.model.data()),
                                       distilled.model.size()),
                             "m")
          .metadata["training"];
  EXPECT_EQ(report["recipe"]["distill"]["teacher"], d.teacher_path);
  EXPECT_EQ(report["teacher_fnv1a64"].get<std::string>().size(), 16u);
}

// The teacher's outputs only add a term: at weight 0 the student's weights are those of training
// alone, bit for bit, and with a teacher a seed still gives the same bytes on any thread count.
TEST(TrainNetwork, DistillationAtWeightZeroIsTrainingAloneAndAnyThreadCountAgrees) {
  Distillation d;
  Json alone = d.student({}), zero = d.student(d.teacher_path, 0.0);
  alone["training"]["epochs"] = zero["training"]["epochs"] = 3;
  const auto tensors = [](const std::string& bytes) {
    return io::decode_safetensors(
               std::span(reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()), "m")
        .tensors;
  };
  const auto a = tensors(run(d.noisy.set, alone, 3).model);
  const auto z = tensors(run(d.noisy.set, zero, 3).model);
  ASSERT_EQ(a.size(), z.size());
  for (const auto& [name, tensor] : a)
    EXPECT_EQ(z.at(name).bytes, tensor.bytes) << name;
  Json taught = d.student(d.teacher_path);
  taught["training"]["epochs"] = 3;
  EXPECT_EQ(run(d.noisy.set, taught, 3, 1).model, run(d.noisy.set, taught, 3, 2).model);
}

TEST(TrainNetwork, DistillationRefusesATeacherOfOtherLabelsOrShapes) {
  Distillation d;
  const auto message = [&](const Json& r, int classes) {
    try {
      run(Synthetic(12, classes, 2).set, r, classes);
    } catch (const Error& error) {
      return std::string(error.what());
    }
    return std::string("no error");
  };
  Json two = recipe(2);
  two["distill"] = {{"teacher", d.teacher_path}};
  EXPECT_NE(message(two, 2).find("has the classes c0, c1, c2 but the data has c0, c1"),
            std::string::npos)
      << message(two, 2);
  Json wider = d.student(d.teacher_path);
  wider["network"]["input_shape"] = {1, 12, 8};
  wider["network"]["layers"][5]["in_features"] = 384;
  EXPECT_NE(message(wider, 3).find("a window of 12 frames × 8 values does not fit the input shape"),
            std::string::npos)
      << message(wider, 3);
  Json missing = d.student((d.dir / "none.safetensors").string());
  EXPECT_NE(message(missing, 3).find("distill.teacher"), std::string::npos) << message(missing, 3);
}

TEST(TrainNetwork, RecipeErrorsNameTheProblem) {
  const Synthetic data(12, 2, 2);
  const auto message = [&](Json r) {
    try {
      run(data.set, std::move(r), 2);
    } catch (const Error& error) {
      return std::string(error.what());
    }
    return std::string("no error");
  };
  Json typo = recipe(2);
  typo["training"]["epoch"] = 3;
  EXPECT_NE(message(typo).find("did you mean 'epochs'"), std::string::npos) << message(typo);
  Json wide = recipe(2);
  wide["network"]["layers"].back()["out_features"] = 5;
  EXPECT_NE(message(wide).find("the data has 2 classes"), std::string::npos) << message(wide);
  Json unknown = recipe(2);
  unknown["network"]["layers"][0] = {{"type", "lstn"}, {"input_size", 8}, {"hidden_size", 4}};
  EXPECT_NE(message(unknown).find("layer type 'lstn' is unknown"), std::string::npos)
      << message(unknown);
  Json shape = recipe(2);
  shape["network"]["input_shape"] = {1, 3, 7};
  EXPECT_NE(message(shape).find("not a whole number of 8-value frames"), std::string::npos)
      << message(shape);
}

}  // namespace
}  // namespace mirkit::nn
