// mirkit train with a network recipe, end to end through the command line: a progress line per
// epoch, a model file that evaluate and predict use as any network, the same bytes for a seed,
// the shipped recipes, and clear refusals.
#include <gtest/gtest.h>

#include <map>

#include "cli_support.hpp"
#include "mirkit/core/json.hpp"
#include "small_network.hpp"
#include "support/audio_files.hpp"
#include "support/run.hpp"
#include "support/signals.hpp"
#include "support/temp_dir.hpp"

namespace mirkit {
namespace {
using test::kSmallCnn;
using test::kSmallMel;
using test::make_tones;
using test::mirkit;
using test::read_all;
namespace fs = std::filesystem;

const std::string kConfigs = MIRKIT_CONFIG_DIR;

class NetworkTraining : public ::testing::Test {
 protected:
  void SetUp() override {
    make_tones(dir_ / "train", 5);
    make_tones(dir_ / "test", 2);
    test::write_bytes(dir_ / "mel.json", kSmallMel);
    test::write_bytes(dir_ / "cnn.json", kSmallCnn);
    for (const char* part : {"train", "test"}) {
      const auto r = mirkit({"extract", (dir_ / part).string(), "-c", (dir_ / "mel.json").string(),
                             "-o", (dir_ / (std::string(part) + ".safetensors")).string()});
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
  }
  test::RunResult train(const std::string& recipe, const std::string& out,
                        std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"train", train_, "-m", recipe, "-o", out};
    args.insert(args.end(), extra.begin(), extra.end());
    return mirkit(args);
  }
  test::TempDir dir_;
  std::string train_ = (dir_ / "train.safetensors").string();
  std::string test_ = (dir_ / "test.safetensors").string();
};

TEST_F(NetworkTraining, TrainsEvaluatesAndPredicts) {
  const std::string model = (dir_ / "cnn.safetensors").string();
  const auto trained = train((dir_ / "cnn.json").string(), model, {"-j", "2"});
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  EXPECT_NE(trained.err.find("epoch 1/8"), std::string::npos) << trained.err;
  EXPECT_NE(trained.err.find("val_acc"), std::string::npos);
  EXPECT_NE(trained.err.find("kept epoch"), std::string::npos);

  const auto info = mirkit({"info", model});
  ASSERT_EQ(info.exit_code, 0) << info.err;
  const Json described = Json::parse(info.out);
  EXPECT_EQ(described["network"]["input_shape"], Json::parse("[1, 32, 32]"));
  EXPECT_EQ(described["training"]["epochs_run"], 8);
  EXPECT_TRUE(described["training"]["at_best_epoch"].contains("validation_accuracy"));

  const std::string metrics = (dir_ / "metrics.json").string();
  const auto evaluated = mirkit({"evaluate", model, test_, "-o", metrics});
  ASSERT_EQ(evaluated.exit_code, 0) << evaluated.err;
  EXPECT_GE(Json::parse(read_all(metrics))["accuracy"].get<double>(), 0.99)
      << "three tones far apart";
  // Windows every 0.1 s instead of every half window (0.37 s): the same verdicts here.
  const auto hopped = mirkit({"evaluate", model, test_, "--hop", "0.1", "-o", metrics});
  ASSERT_EQ(hopped.exit_code, 0) << hopped.err;
  EXPECT_GE(Json::parse(read_all(metrics))["accuracy"].get<double>(), 0.99);

  const auto predicted = mirkit({"predict", model, (dir_ / "test").string()});
  ASSERT_EQ(predicted.exit_code, 0) << predicted.err;
  const auto lines = test::split_lines(predicted.out);
  ASSERT_EQ(lines.size(), 7u);
  EXPECT_EQ(lines[0], "path,label,high,low,mid");
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::string path = lines[i].substr(0, lines[i].find(','));
    const std::string label = lines[i].substr(path.size() + 1);
    EXPECT_EQ(label.substr(0, label.find(',')), fs::path(path).parent_path().filename().string())
        << lines[i];
  }
}

TEST_F(NetworkTraining, ExplainsWithGradientsAndPlotsCurves) {
  const std::string model = (dir_ / "cnn.safetensors").string();
  const std::string curves = (dir_ / "curves.png").string();
  const auto trained =
      train((dir_ / "cnn.json").string(), model, {"--set", "epochs=3", "--plot-curves", curves});
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  EXPECT_EQ(read_all(curves).substr(1, 3), "PNG");
  const std::string clip = (dir_ / "test" / "high" / "high0.wav").string();
  for (const char* method : {"gradient", "occlusion"}) {
    const std::string image = (dir_ / (std::string(method) + ".png")).string();
    const auto r = mirkit({"explain", model, clip, "-o", image, "--saliency", method});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(Json::parse(r.out)["method"], method);
    EXPECT_EQ(read_all(image).substr(1, 3), "PNG");
  }
  // The default is the gradient for a network whose every layer has a backward pass.
  const auto r = mirkit({"explain", model, clip, "-o", (dir_ / "auto.png").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Json::parse(r.out)["method"], "gradient");
}

TEST_F(NetworkTraining, SameSeedSameBytesAndSetOverrides) {
  const std::string a = (dir_ / "a.safetensors").string(), b = (dir_ / "b.safetensors").string();
  const std::string recipe = (dir_ / "cnn.json").string();
  ASSERT_EQ(train(recipe, a, {"--set", "epochs=2", "-j", "1"}).exit_code, 0);
  ASSERT_EQ(train(recipe, b, {"--set", "epochs=2", "-j", "2"}).exit_code, 0);
  EXPECT_EQ(read_all(a), read_all(b));
  const auto seeded = train(recipe, b, {"--set", "epochs=2", "--seed", "9"});
  ASSERT_EQ(seeded.exit_code, 0) << seeded.err;
  EXPECT_NE(read_all(a), read_all(b));
  const auto typo = train(recipe, b, {"--set", "epoch=2"});
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.err.find("did you mean 'epochs'"), std::string::npos) << typo.err;
}

// Every shipped network recipe, on the features it names, through the command line: it trains
// (one epoch here), gives the same bytes on -j 1 and -j 2, predicts from audio and explains with
// gradients — over the spectrogram, or over time for the waveform network.
TEST_F(NetworkTraining, ShippedRecipesTrainPredictAndExplain) {
  const std::map<std::string, std::vector<std::string>> recipes = {
      {"logmel-patches",
       {"cnn", "cnn_small", "crnn", "resnet", "densenet", "crnn_lstm", "tcn", "transformer"}},
      {"waveform", {"samplecnn"}}};
  const std::string clip = (dir_ / "test" / "low" / "low0.wav").string();
  for (const auto& [features, names] : recipes) {
    const std::string extracted = (dir_ / (features + ".safetensors")).string();
    ASSERT_EQ(mirkit({"extract", (dir_ / "train").string(), "-c",
                      kConfigs + "/features/" + features + ".json", "-o", extracted})
                  .exit_code,
              0);
    for (const std::string& name : names) {
      SCOPED_TRACE(name);
      const std::string recipe = kConfigs + "/models/" + name + ".json";
      const std::string one = (dir_ / (name + "-1.safetensors")).string();
      const std::string two = (dir_ / (name + "-2.safetensors")).string();
      for (const auto& [out, jobs] : {std::pair{one, "1"}, std::pair{two, "2"}}) {
        const auto r = mirkit({"train", extracted, "-m", recipe, "-o", out, "-j", jobs, "--set",
                               "epochs=1", "--set", "windows_per_clip=1"});
        ASSERT_EQ(r.exit_code, 0) << r.err;
      }
      EXPECT_EQ(read_all(one), read_all(two)) << "-j 1 and -j 2 differ";
      const auto predicted = mirkit({"predict", one, clip});
      ASSERT_EQ(predicted.exit_code, 0) << predicted.err;
      EXPECT_EQ(test::split_lines(predicted.out).size(), 2u);
      const std::string image = (dir_ / (name + ".png")).string();
      const auto explained = mirkit({"explain", one, clip, "-o", image, "--saliency", "gradient"});
      ASSERT_EQ(explained.exit_code, 0) << explained.err;
      EXPECT_EQ(Json::parse(explained.out)["method"], "gradient");
      EXPECT_EQ(read_all(image).substr(1, 3), "PNG");
    }
  }
  // Gain and noise act on decibels, not on samples.
  const auto gain = mirkit(
      {"train", (dir_ / "waveform.safetensors").string(), "-m", kConfigs + "/models/samplecnn.json",
       "-o", (dir_ / "gain.safetensors").string(), "--set", "augment.gain_probability=0.5"});
  EXPECT_EQ(gain.exit_code, 2);
  EXPECT_NE(gain.err.find("holds waveform samples, but augment.gain_probability"),
            std::string::npos)
      << gain.err;
  EXPECT_FALSE(fs::exists(dir_ / "gain.safetensors"));
}

// mirkit train --teacher: a student of two channels learns from the six-channel network, the
// model records its teacher, and a teacher that cannot teach it is refused before training, with
// nothing written.
TEST_F(NetworkTraining, DistilsATeacherIntoAStudent) {
  const std::string teacher = (dir_ / "teacher.safetensors").string();
  ASSERT_EQ(train((dir_ / "cnn.json").string(), teacher).exit_code, 0);
  Json small = Json::parse(kSmallCnn);
  small["network"]["layers"][1]["out_channels"] = 2;
  small["network"]["layers"][2]["num_features"] = 2;
  small["network"]["layers"][6]["in_features"] = 128;
  small["distill"] = {{"temperature", 3}, {"weight", 0.8}};
  test::write_bytes(dir_ / "small.json", small.dump());
  const std::string student = (dir_ / "student.safetensors").string();
  const auto r = train((dir_ / "small.json").string(), student, {"--teacher", teacher, "-j", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json described = Json::parse(mirkit({"info", student}).out);
  const Json distilled = described["training"]["distilled"];
  EXPECT_EQ(distilled["teacher"], teacher) << described.dump();
  EXPECT_EQ(distilled["temperature"], 3);
  EXPECT_EQ(distilled["weight"], 0.8);
  EXPECT_EQ(distilled["teacher_fnv1a64"].get<std::string>().size(), 16u);
  const std::string metrics = (dir_ / "metrics.json").string();
  const auto evaluated = mirkit({"evaluate", student, test_, "-o", metrics});
  ASSERT_EQ(evaluated.exit_code, 0) << evaluated.err;
  EXPECT_GE(Json::parse(read_all(metrics))["accuracy"].get<double>(), 0.99)
      << "three tones far apart";

  const std::string refused = (dir_ / "refused.safetensors").string();
  const auto classical = train("svm", refused, {"--teacher", teacher});
  EXPECT_EQ(classical.exit_code, 2);
  EXPECT_NE(classical.err.find("--teacher distils a network into a network"), std::string::npos)
      << classical.err;
  const auto missing = train((dir_ / "small.json").string(), refused,
                             {"--teacher", (dir_ / "no.safetensors").string()});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("no.safetensors"), std::string::npos) << missing.err;
  // A teacher of other features: 32 bands, but of a mel spectrogram without decibels.
  Json linear = Json::parse(kSmallMel);
  linear["features"][0]["decibels"] = false;
  test::write_bytes(dir_ / "linear.json", linear.dump());
  const std::string other = (dir_ / "linear.safetensors").string();
  ASSERT_EQ(mirkit({"extract", (dir_ / "train").string(), "-c", (dir_ / "linear.json").string(),
                    "-o", other})
                .exit_code,
            0);
  const std::string other_teacher = (dir_ / "other-teacher.safetensors").string();
  ASSERT_EQ(mirkit({"train", other, "-m", (dir_ / "cnn.json").string(), "-o", other_teacher,
                    "--set", "epochs=1"})
                .exit_code,
            0);
  const auto mismatched =
      train((dir_ / "small.json").string(), refused, {"--teacher", other_teacher});
  EXPECT_EQ(mismatched.exit_code, 2);
  EXPECT_NE(mismatched.err.find("a teacher must have been trained on features of the same recipe"),
            std::string::npos)
      << mismatched.err;
  EXPECT_FALSE(fs::exists(refused));
}

// mirkit prune: half the convolution's channels go (the linear layer after flatten loses their
// blocks of inputs), the file shrinks and still evaluates; fine-tuning brings the accuracy back,
// the same bytes on any -j; refusals name the cause and leave nothing behind.
TEST_F(NetworkTraining, PrunesAndFineTunes) {
  const std::string model = (dir_ / "cnn.safetensors").string();
  ASSERT_EQ(train((dir_ / "cnn.json").string(), model).exit_code, 0);
  const std::string cut = (dir_ / "cut.safetensors").string();
  const auto pruned = mirkit({"prune", model, "--channels", "0.5", "-o", cut});
  ASSERT_EQ(pruned.exit_code, 0) << pruned.err;
  EXPECT_NE(pruned.err.find("layer 1: 6 → 3 channels (by batch_norm_scale)"), std::string::npos)
      << pruned.err;
  const Json described = Json::parse(mirkit({"info", cut}).out);
  EXPECT_EQ(described["tensors"]["1.weight"]["shape"], Json::parse("[3, 1, 3, 3]"));
  EXPECT_EQ(described["tensors"]["6.weight"]["shape"], Json::parse("[3, 192]"));
  EXPECT_LT(fs::file_size(cut), fs::file_size(model));
  EXPECT_EQ(described["pruning"]["pruned"][0]["channels_after"], 3) << described.dump();
  EXPECT_EQ(described["pruning"]["from"], model);
  const std::string metrics = (dir_ / "metrics.json").string();
  ASSERT_EQ(mirkit({"evaluate", cut, test_, "-o", metrics}).exit_code, 0);

  const std::string one = (dir_ / "tuned-1.safetensors").string();
  const std::string two = (dir_ / "tuned-2.safetensors").string();
  for (const auto& [out, jobs] : {std::pair{one, "1"}, std::pair{two, "2"}}) {
    const auto tuned =
        mirkit({"prune", model, "--channels", "0.5", "--features", train_, "--fine-tune-epochs",
                "4", "--set", "learning_rate=0.01", "-o", out, "-j", jobs});
    ASSERT_EQ(tuned.exit_code, 0) << tuned.err;
    EXPECT_NE(tuned.err.find("epoch 4/4"), std::string::npos) << tuned.err;
  }
  EXPECT_EQ(read_all(one), read_all(two)) << "-j 1 and -j 2 differ";
  ASSERT_EQ(mirkit({"evaluate", one, test_, "-o", metrics}).exit_code, 0);
  EXPECT_GE(Json::parse(read_all(metrics))["accuracy"].get<double>(), 0.99)
      << "three tones far apart";
  EXPECT_FALSE(fs::exists(one + ".pruned.tmp"));
  const Json tuned = Json::parse(mirkit({"info", one}).out);
  EXPECT_EQ(tuned["pruning"]["fine_tune_epochs"], 4) << tuned.dump();
  EXPECT_EQ(tuned["training"]["epochs_run"], 4);

  const std::string refused = (dir_ / "refused.safetensors").string();
  const auto no_data = mirkit({"prune", model, "--fine-tune-epochs", "3", "-o", refused});
  EXPECT_EQ(no_data.exit_code, 2);
  EXPECT_NE(no_data.err.find("--fine-tune-epochs needs the training data"), std::string::npos)
      << no_data.err;
  const auto classical = mirkit({"prune", train_, "-o", refused});  // a feature file
  EXPECT_EQ(classical.exit_code, 2);
  EXPECT_NE(classical.err.find("is not a neural-network model file"), std::string::npos)
      << classical.err;
  EXPECT_FALSE(fs::exists(refused));
}

TEST_F(NetworkTraining, RefusesPooledFeaturesAndCrossValidation) {
  const std::string pooled = (dir_ / "pooled.safetensors").string();
  ASSERT_EQ(mirkit({"extract", (dir_ / "train").string(), "-c", kConfigs + "/features/mfcc.json",
                    "-o", pooled})
                .exit_code,
            0);
  const auto r = mirkit({"train", pooled, "-m", (dir_ / "cnn.json").string(), "-o",
                         (dir_ / "x.safetensors").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("learns from frame sequences"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "x.safetensors"));
  const auto cv =
      train((dir_ / "cnn.json").string(), (dir_ / "x.safetensors").string(), {"--cv", "3"});
  EXPECT_EQ(cv.exit_code, 2);
  EXPECT_NE(cv.err.find("cross-validate a network recipe with `mirkit evaluate --cv K"),
            std::string::npos)
      << cv.err;
}

// evaluate --cv with a network recipe: each fold's network trained on the others and its clips
// scored window by window; per-fold figures and their spread, the same on any -j, and by group.
TEST_F(NetworkTraining, CrossValidatesANetworkRecipe) {
  const std::string recipe = (dir_ / "cnn.json").string();
  const std::string one = (dir_ / "cv1.json").string(), two = (dir_ / "cv2.json").string();
  const auto r = mirkit({"evaluate", "--cv", "3", train_, "-m", recipe, "-o", one, "-j", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("fold 3/3: training on 10 clips, scoring 5"), std::string::npos) << r.err;
  const Json metrics = Json::parse(read_all(one));
  EXPECT_GE(metrics["accuracy"].get<double>(), 0.9) << "three tones far apart";
  EXPECT_EQ(metrics["cross_validation"]["per_fold"].size(), 3u);
  EXPECT_EQ(metrics["cross_validation"]["model"]["model"], "network");
  ASSERT_EQ(mirkit({"evaluate", "--cv", "3", train_, "-m", recipe, "-o", two, "-j", "2"}).exit_code,
            0);
  EXPECT_EQ(read_all(one), read_all(two));
  const auto grouped = mirkit({"evaluate", "--cv", "3", "--group-by", "group", train_, "-m", recipe,
                               "--set", "epochs=2", "--hop", "0.2"});
  ASSERT_EQ(grouped.exit_code, 0) << grouped.err;
  EXPECT_NE(grouped.err.find("fold  accuracy"), std::string::npos) << grouped.err;
}

}  // namespace
}  // namespace mirkit
