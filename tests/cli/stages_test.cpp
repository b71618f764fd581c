// mirkit train, evaluate and predict, end to end on generated audio: the whole tour from folders
// to labels, and the checks that keep models and features from being mixed up.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "cli_support.hpp"
#include "mirkit/core/json.hpp"
#include "mirkit/features/extractor.hpp"
#include "mirkit/io/audio_reader.hpp"
#include "mirkit/io/safetensors.hpp"
#include "mirkit/nn/network.hpp"
#include "mirkit/pipeline/model_file.hpp"
#include "support/audio_files.hpp"
#include "support/run.hpp"
#include "support/signals.hpp"
#include "support/temp_dir.hpp"

namespace mirkit {
namespace {
using test::mirkit;
using test::read_all;
namespace fs = std::filesystem;

const std::string kConfigs = MIRKIT_CONFIG_DIR;
const std::string kGtzan = kConfigs + "/features/gtzan.json";

// Three classes of clearly different tones (low, mid, high), `clips` each, 1 s.
void make_classes(const fs::path& root, int clips, double seconds = 1.0) {
  const std::vector<std::pair<std::string, double>> classes = {
      {"high", 2400.0}, {"low", 150.0}, {"mid", 700.0}};
  for (const auto& [name, base] : classes) {
    fs::create_directories(root / name);
    for (int i = 0; i < clips; ++i) {
      const auto n = static_cast<std::size_t>(seconds * 22050);
      const std::vector<float> tone = test::sine(base * (1.0 + 0.03 * i), 22050, n, 0.3 + 0.02 * i);
      test::write_audio(root / name / (name + std::to_string(i) + ".wav"), tone, 22050, 1);
    }
  }
}

class Stages : public ::testing::Test {
 protected:
  void SetUp() override {
    make_classes(dir_ / "train", 6);
    make_classes(dir_ / "test", 3);
    ASSERT_EQ(extract(dir_ / "train", train_).exit_code, 0);
    ASSERT_EQ(extract(dir_ / "test", test_).exit_code, 0);
  }
  test::RunResult extract(const fs::path& data, const std::string& out,
                          const std::string& config = kGtzan) {
    return mirkit({"extract", data.string(), "-c", config, "-o", out});
  }
  test::TempDir dir_;
  std::string train_ = (dir_ / "train.safetensors").string();
  std::string test_ = (dir_ / "test.safetensors").string();
};

TEST_F(Stages, EveryModelTrainsEvaluatesAndPredicts) {
  for (const char* model : {"svm", "random_forest", "gradient_boosting", "knn", "gmm"}) {
    SCOPED_TRACE(model);
    const std::string out = (dir_ / (std::string(model) + ".safetensors")).string();
    const auto trained = mirkit(
        {"train", train_, "-m", kConfigs + "/models/" + model + ".json", "-o", out, "-j", "2"});
    ASSERT_EQ(trained.exit_code, 0) << trained.err;
    const std::string metrics = (dir_ / (std::string(model) + ".json")).string();
    const auto evaluated = mirkit({"evaluate", out, test_, "-o", metrics});
    ASSERT_EQ(evaluated.exit_code, 0) << evaluated.err;
    EXPECT_NE(evaluated.err.find("accuracy"), std::string::npos);
    const Json report = Json::parse(read_all(metrics));
    EXPECT_GE(report["accuracy"].get<double>(), 0.99) << "three well-separated tones";
    EXPECT_EQ(report["items"], 9);

    const auto predicted = mirkit({"predict", out, (dir_ / "test").string()});
    ASSERT_EQ(predicted.exit_code, 0) << predicted.err;
    const auto lines = test::split_lines(predicted.out);
    ASSERT_EQ(lines.size(), 10u);
    EXPECT_EQ(lines[0], "path,label,high,low,mid");
    for (std::size_t i = 1; i < lines.size(); ++i) {
      const std::string path = lines[i].substr(0, lines[i].find(','));
      const std::string label =
          lines[i].substr(path.size() + 1, lines[i].find(',', path.size() + 1) - path.size() - 1);
      EXPECT_NE(path.find("/" + label + "/"), std::string::npos) << lines[i];
    }
  }
}

TEST_F(Stages, PredictFromAudioEqualsPredictFromItsFeatureFile) {
  const std::string model = (dir_ / "svm.safetensors").string();
  ASSERT_EQ(mirkit({"train", train_, "-m", "svm", "-o", model}).exit_code, 0);
  const auto from_audio = mirkit({"predict", model, (dir_ / "test").string(), "-j", "2"});
  const auto from_features = mirkit({"predict", model, test_});
  ASSERT_EQ(from_audio.exit_code, 0) << from_audio.err;
  ASSERT_EQ(from_features.exit_code, 0) << from_features.err;
  EXPECT_EQ(from_audio.out, from_features.out);
}

TEST_F(Stages, TheModelFileRecordsWhatPredictNeeds) {
  const std::string model = (dir_ / "rf.safetensors").string();
  ASSERT_EQ(mirkit({"train", train_, "-m", "random_forest", "--set", "trees=20", "--seed", "7",
                    "--cv", "3", "-o", model})
                .exit_code,
            0);
  const pipeline::ModelFile file = pipeline::read_model_file(model);
  EXPECT_EQ(file.classes, (std::vector<std::string>{"high", "low", "mid"}));
  EXPECT_EQ(file.seed, 7u);
  EXPECT_EQ(file.model["model"], "random_forest");
  EXPECT_EQ(file.model["params"]["trees"], 20);
  EXPECT_EQ(file.feature_config_hash, pipeline::read_feature_file(train_).config_hash);
  EXPECT_EQ(file.feature_names.size(), 91u);
  EXPECT_EQ(file.data_hash.size(), 16u);
  EXPECT_TRUE(file.training["cross_validation"].contains("accuracy"));
  EXPECT_EQ(file.training["items"], 18);
  // The same seed gives the same bytes.
  const std::string again = (dir_ / "rf2.safetensors").string();
  ASSERT_EQ(mirkit({"train", train_, "-m", "random_forest", "--set", "trees=20", "--seed", "7",
                    "--cv", "3", "-o", again, "-j", "2"})
                .exit_code,
            0);
  EXPECT_EQ(read_all(model), read_all(again));
}

TEST_F(Stages, FeaturesOfAnotherRecipeAreRefusedNamingBothHashes) {
  const std::string model = (dir_ / "knn.safetensors").string();
  ASSERT_EQ(mirkit({"train", train_, "-m", "knn", "-o", model}).exit_code, 0);
  const std::string other = (dir_ / "mfcc.safetensors").string();
  ASSERT_EQ(extract(dir_ / "test", other, kConfigs + "/features/mfcc.json").exit_code, 0);
  const std::string model_hash = pipeline::read_model_file(model).feature_config_hash;
  const std::string other_hash = pipeline::read_feature_file(other).config_hash;
  for (const auto& args : std::vector<std::vector<std::string>>{{"evaluate", model, other},
                                                                {"predict", model, other}}) {
    const auto result = mirkit(args);
    EXPECT_EQ(result.exit_code, 2) << args[0];
    EXPECT_NE(result.err.find(model_hash), std::string::npos) << result.err;
    EXPECT_NE(result.err.find(other_hash), std::string::npos) << result.err;
  }
  // A feature file where a model is expected, and the reverse, say what they are.
  EXPECT_NE(mirkit({"evaluate", train_, test_}).err.find("not a model file"), std::string::npos);
  EXPECT_NE(mirkit({"train", model, "-m", "knn", "-o", (dir_ / "x").string()})
                .err.find("not a feature file"),
            std::string::npos);
}

TEST_F(Stages, BadRecipesAndOverridesAreUsageErrors) {
  auto result = mirkit({"train", train_, "-m", "svn", "-o", (dir_ / "x").string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("did you mean 'svm'"), std::string::npos) << result.err;
  result =
      mirkit({"train", train_, "-m", "svm", "--set", "kernal=rbf", "-o", (dir_ / "x").string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("kernal"), std::string::npos) << result.err;
  result = mirkit({"train", train_, "-m", "hmm", "-o", (dir_ / "x").string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("frame sequences"), std::string::npos) << result.err;
  EXPECT_FALSE(fs::exists(dir_ / "x"));
}

TEST_F(Stages, CrossValidationWithoutATestFile) {
  const std::string metrics = (dir_ / "cv.json").string();
  const auto result = mirkit({"evaluate", "--cv", "3", train_, "-m", "knn", "-o", metrics});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const Json report = Json::parse(read_all(metrics));
  EXPECT_EQ(report["items"], 18);
  EXPECT_EQ(report["cross_validation"]["folds"], 3);
  EXPECT_GE(report["accuracy"].get<double>(), 0.99);
  // Each fold's figures and their spread.
  const Json& folds = report["cross_validation"]["per_fold"];
  ASSERT_EQ(folds.size(), 3u);
  EXPECT_EQ(
      folds[0]["items"].get<int>() + folds[1]["items"].get<int>() + folds[2]["items"].get<int>(),
      18);
  double sum = 0;
  for (const Json& fold : folds)
    sum += fold["macro_f1"].get<double>();
  EXPECT_NEAR(report["cross_validation"]["spread"]["macro_f1"]["mean"].get<double>(), sum / 3,
              1e-12);
  EXPECT_NE(result.err.find("fold  accuracy"), std::string::npos) << result.err;
}

TEST_F(Stages, SegmentsAreAggregatedAndListedOnRequest) {
  make_classes(dir_ / "long", 1, 3.0);
  const std::string model = (dir_ / "svm.safetensors").string();
  ASSERT_EQ(mirkit({"train", train_, "-m", "svm", "-o", model}).exit_code, 0);
  const auto result =
      mirkit({"predict", model, (dir_ / "long" / "low").string(), "--segment", "1", "--aggregate",
              "vote", "--per-segment", "-o", (dir_ / "seg.jsonl").string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto lines = test::split_lines(read_all(dir_ / "seg.jsonl"));
  ASSERT_EQ(lines.size(), 4u) << "one row for the file, one per 1 s segment";
  const Json whole = Json::parse(lines[0]);
  EXPECT_EQ(whole["segment"], "all");
  EXPECT_EQ(whole["label"], "low");
  EXPECT_FLOAT_EQ(whole["probabilities"]["low"].get<float>(), 1.0f) << "every segment voted low";
  EXPECT_DOUBLE_EQ(Json::parse(lines[2])["segment"].get<double>(), 1.0);
  // A classical model's segments follow one another: --hop is a network's, and says so.
  const auto hop = mirkit(
      {"predict", model, (dir_ / "long" / "low").string(), "--segment", "1", "--hop", "0.5"});
  EXPECT_EQ(hop.exit_code, 2);
  EXPECT_NE(hop.err.find("--hop spaces a network's overlapping windows"), std::string::npos)
      << hop.err;
}

TEST_F(Stages, PredictResumeLabelsOnlyWhatIsMissing) {
  const std::string model = (dir_ / "knn.safetensors").string();
  ASSERT_EQ(mirkit({"train", train_, "-m", "knn", "-o", model}).exit_code, 0);
  const std::string whole = (dir_ / "whole.csv").string();
  ASSERT_EQ(mirkit({"predict", model, (dir_ / "test").string(), "-o", whole}).exit_code, 0);
  // An earlier run that labelled only one folder, then a run over all of it with --resume.
  const std::string out = (dir_ / "labels.csv").string();
  ASSERT_EQ(mirkit({"predict", model, (dir_ / "test" / "mid").string(), "-o", out}).exit_code, 0);
  const auto resumed = mirkit({"predict", model, (dir_ / "test").string(), "-o", out, "--resume"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("(6 now, 3 unchanged)"), std::string::npos) << resumed.err;
  EXPECT_EQ(read_all(out), read_all(whole));
}

TEST_F(Stages, ABadFileInPredictIsLoggedAndTheRestLabelled) {
  const std::string model = (dir_ / "knn.safetensors").string();
  ASSERT_EQ(mirkit({"train", train_, "-m", "knn", "-o", model}).exit_code, 0);
  test::write_bytes(dir_ / "test" / "low" / "broken.wav", "RIFF....WAVEjunk");
  const std::string out = (dir_ / "labels.jsonl").string();
  const auto result = mirkit({"predict", model, (dir_ / "test").string(), "-o", out});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("broken.wav"), std::string::npos) << result.err;
  EXPECT_EQ(test::split_lines(read_all(out)).size(), 9u);
  EXPECT_EQ(test::split_lines(read_all(dir_ / "labels.jsonl.errors.jsonl")).size(), 1u);
}

// Items tagged by which of two tones they hold: "low", "high", or both; a manifest lists them.
fs::path make_tagged_clips(const fs::path& dir) {
  std::string manifest = "path,label\n";
  for (int i = 0; i < 8; ++i) {
    const auto n = static_cast<std::size_t>(22050);
    std::vector<float> low = test::sine(200.0 * (1 + 0.02 * i), 22050, n, 0.3);
    const std::vector<float> high = test::sine(3000.0 * (1 + 0.02 * i), 22050, n, 0.3);
    const std::string name = "c" + std::to_string(i) + ".wav";
    std::string tags;
    if (i % 3 == 0) {
      tags = "low";
    } else if (i % 3 == 1) {
      low = high;
      tags = "high";
    } else {
      for (std::size_t k = 0; k < n; ++k)
        low[k] += high[k];
      tags = "high;low";
    }
    test::write_audio(dir / name, low, 22050, 1);
    manifest += name + "," + tags + "\n";
  }
  test::write_bytes(dir / "tags.csv", manifest);
  return dir / "tags.csv";
}

// The tagged clips' pooled features (gtzan.json), in `dir`.
std::string tagged_features(const fs::path& dir) {
  const std::string features = (dir / "f.safetensors").string();
  const auto result =
      mirkit({"extract", make_tagged_clips(dir).string(), "-c", kGtzan, "-o", features});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return features;
}

// Trains a tagger on `features` with `train_args`, then checks evaluate and predict.
void expect_tagger_works(const fs::path& dir, const std::string& features,
                         const std::vector<std::string>& train_args) {
  const std::string model = (dir / "tagger.safetensors").string();
  std::vector<std::string> args = {"train", features, "-o", model};
  args.insert(args.end(), train_args.begin(), train_args.end());
  const auto trained = mirkit(args);
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  EXPECT_NE(trained.err.find("2 tags"), std::string::npos) << trained.err;
  const auto evaluated = mirkit({"evaluate", model, features});
  ASSERT_EQ(evaluated.exit_code, 0) << evaluated.err;
  EXPECT_NE(evaluated.err.find("mAP 1.000"), std::string::npos) << evaluated.err;
  // The tags said at the model's thresholds, as predict says them.
  EXPECT_NE(evaluated.err.find("sample F1 1.000   Hamming loss 0.000"), std::string::npos)
      << evaluated.err;
  const auto predicted = mirkit({"predict", model, (dir / "c2.wav").string()});
  ASSERT_EQ(predicted.exit_code, 0) << predicted.err;
  EXPECT_NE(predicted.out.find(",high;low,"), std::string::npos) << predicted.out;
}

TEST(StagesMultiLabel, TagsTrainEvaluateAndPredict) {
  test::TempDir dir;
  const std::string features = tagged_features(dir.path());
  expect_tagger_works(dir.path(), features, {"-m", "knn", "--set", "k=1"});
}

TEST(StagesMultiLabel, CrossValidationReportsEachFoldAndTheSpread) {
  test::TempDir dir;
  const std::string features = tagged_features(dir.path());
  const auto result =
      mirkit({"evaluate", "--cv", "2", features, "-m", "knn", "--set", "k=1", "-o", "-"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const Json metrics = Json::parse(result.out);
  const Json& folds = metrics["cross_validation"]["per_fold"];
  ASSERT_EQ(folds.size(), 2u) << result.out;
  int items = 0;
  for (const Json& fold : folds) {
    items += fold["items"].get<int>();
    for (const char* figure :
         {"mean_average_precision", "macro_roc_auc", "sample_f1", "hamming_loss"})
      EXPECT_TRUE(fold[figure].is_number()) << figure;
  }
  EXPECT_EQ(items, 8);
  const double first = folds[0]["sample_f1"], second = folds[1]["sample_f1"];
  const Json& spread = metrics["cross_validation"]["spread"]["sample_f1"];
  EXPECT_NEAR(spread["mean"].get<double>(), (first + second) / 2, 1e-12);
  EXPECT_NEAR(spread["std"].get<double>(), std::abs(first - second) / 2, 1e-12)
      << "the standard deviation over the folds (numpy's std)";
  for (const char* pooled : {"sample_f1", "hamming_loss", "macro_f1", "micro_f1"})
    EXPECT_TRUE(metrics[pooled].is_number()) << pooled;
  EXPECT_TRUE(metrics["per_tag"]["high"]["recall"].is_number()) << result.out;
  EXPECT_NE(result.err.find("\nmean  "), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("\nstd   "), std::string::npos) << result.err;
}

TEST(StagesMultiLabel, FrameSequenceModelsTagToo) {
  test::TempDir dir;
  const fs::path recipe = dir / "frames.json";
  test::write_bytes(recipe, R"({"features": [{"name": "mfcc", "n_mfcc": 8}], "output": "frames"})");
  const std::string features = (dir / "f.safetensors").string();
  const fs::path manifest = make_tagged_clips(dir.path());
  ASSERT_EQ(mirkit({"extract", manifest.string(), "-c", recipe.string(), "-o", features}).exit_code,
            0);
  for (const char* model : {"gmm_frames", "hmm"}) {
    SCOPED_TRACE(model);
    expect_tagger_works(dir.path(), features, {"-m", model, "--set", "max_iterations=10"});
  }
}

// A network file (a PyTorch-parity fixture: a TCN over 12-dimensional frames) given the feature
// recipe it reads, as export_torch.py --features records it.
fs::path network_with_recipe(const fs::path& dir, const Json& recipe) {
  io::TensorFile file =
      io::read_safetensors(std::string(MIRKIT_NN_DATA_DIR) + "/arch_tcn.safetensors");
  file.metadata["features"] = recipe;
  const fs::path out = dir / "tcn.safetensors";
  io::write_safetensors(out, file);
  return out;
}

TEST(StagesNetwork, PredictRunsANetworkLikeAnyModel) {
  test::TempDir dir;
  make_classes(dir / "audio", 1, 2.0);
  const Json recipe = {{"features", Json::array({{{"name", "mfcc"}, {"n_mfcc", 12}}})},
                       {"output", "frames"}};
  const fs::path model = network_with_recipe(dir.path(), recipe);
  const fs::path clip = dir / "audio" / "low" / "low0.wav";
  const auto result =
      mirkit({"predict", model.string(), clip.string(), "-o", (dir / "p.jsonl").string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const Json row = Json::parse(test::split_lines(read_all(dir / "p.jsonl")).at(0));

  // The same numbers as the library: the recipe's frames, one window over the whole clip.
  const nn::Network network = nn::Network::load(model);
  features::FeatureExtractor extractor(recipe);
  const io::Audio audio = io::load_audio(clip, extractor.load_options());
  const dsp::Matrix frames = extractor.frames(audio.samples);
  const nn::WindowPredictions expected =
      network.predict_windows(frames, frames.rows(), frames.rows(), nn::Aggregate::mean);
  double total = 0.0;
  for (std::size_t c = 0; c < network.classes().size(); ++c) {
    const float p = row["probabilities"][network.classes()[c]].get<float>();
    EXPECT_EQ(p, expected.clip(static_cast<Eigen::Index>(c)))
        << "printed as the shortest exact text";
    total += p;
  }
  EXPECT_NEAR(total, 1.0, 1e-5) << "softmax output";

  // Segments are the network's windows; --per-segment lists them. They overlap by half unless
  // --hop says otherwise: 0.5 s windows (22 frames of 512 samples) over 2 s (87 frames) start
  // every 11 frames, and a last one ends at the clip's end.
  const auto segmented = mirkit({"predict", model.string(), clip.string(), "--segment", "0.5",
                                 "--per-segment", "--aggregate", "attention"});
  ASSERT_EQ(segmented.exit_code, 0) << segmented.err;
  const auto lines = test::split_lines(segmented.out);
  ASSERT_EQ(lines.size(), 1u + 1u + 7u) << segmented.out;  // header, the clip, seven windows
  EXPECT_NE(lines[1].find(",all,"), std::string::npos) << lines[1];
  EXPECT_NE(lines[3].find(",0.255,"), std::string::npos) << lines[3];  // 11 frames in
  EXPECT_NE(lines[8].find(",1.509,"), std::string::npos) << lines[8];  // 87 − 22 = 65 frames
  const auto apart = mirkit({"predict", model.string(), clip.string(), "--segment", "0.5", "--hop",
                             "0.5", "--per-segment"});
  ASSERT_EQ(apart.exit_code, 0) << apart.err;
  EXPECT_EQ(test::split_lines(apart.out).size(), 1u + 1u + 4u) << apart.out;  // 0, 22, 44, 65

  // The spacing shapes a network's rows: --update keeps none made with another (or, from an
  // earlier version, an unrecorded one) and says so.
  const std::string labels = (dir / "labels.csv").string();
  ASSERT_EQ(mirkit({"predict", model.string(), clip.string(), "-o", labels}).exit_code, 0);
  Json sidecar = Json::parse(read_all(labels + ".json"));
  EXPECT_EQ(sidecar["settings"]["hop_s"], "half a window");
  const auto other =
      mirkit({"predict", model.string(), clip.string(), "-o", labels, "--update", "--hop", "0.1"});
  EXPECT_EQ(other.exit_code, 2);
  EXPECT_NE(other.err.find("hop_s \"half a window\" then, 0.1 now"), std::string::npos)
      << other.err;
  sidecar["settings"].erase("hop_s");
  test::write_bytes(labels + ".json", sidecar.dump());
  const auto unrecorded =
      mirkit({"predict", model.string(), clip.string(), "-o", labels, "--update"});
  EXPECT_EQ(unrecorded.exit_code, 2);
  EXPECT_NE(unrecorded.err.find("hop_s none then"), std::string::npos) << unrecorded.err;
}

TEST(StagesNetwork, ANetworkWithoutARecipeOrOfTheWrongKindIsRefused) {
  test::TempDir dir;
  make_classes(dir / "audio", 1);
  const auto bare = mirkit({"predict", std::string(MIRKIT_NN_DATA_DIR) + "/arch_tcn.safetensors",
                            (dir / "audio").string()});
  EXPECT_EQ(bare.exit_code, 2);
  EXPECT_NE(bare.err.find("no feature recipe"), std::string::npos) << bare.err;
  const fs::path pooled =
      network_with_recipe(dir.path(), {{"features", Json::array({{{"name", "mfcc"}}})}});
  const auto wrong = mirkit({"predict", pooled.string(), (dir / "audio").string()});
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_NE(wrong.err.find("\"output\": \"frames\""), std::string::npos) << wrong.err;
}

}  // namespace
}  // namespace mirkit
