// mirkit plot, evaluate --report, explain and train --plot-curves, run as a user runs them: the
// files they write, and the errors and exit codes of DESIGN.md when an input is bad.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "cli_support.hpp"
#include "mirkit/core/json.hpp"
#include "mirkit/io/safetensors.hpp"
#include "plot/image_checks.hpp"
#include "support/audio_files.hpp"
#include "support/run.hpp"
#include "support/signals.hpp"
#include "support/temp_dir.hpp"

namespace mirkit {
namespace {
using test::mirkit;
using test::read_all;
namespace fs = std::filesystem;

const std::string kGtzan = std::string(MIRKIT_CONFIG_DIR) + "/features/gtzan.json";

// Three classes of tones, `clips` each; every third "mid" clip is a "high" tone, so that a
// model trained on them makes mistakes the report can list.
void make_classes(const fs::path& root, int clips) {
  const std::vector<std::pair<std::string, double>> classes = {
      {"high", 2400.0}, {"low", 150.0}, {"mid", 700.0}};
  for (const auto& [name, base] : classes) {
    fs::create_directories(root / name);
    for (int i = 0; i < clips; ++i) {
      const double hz = name == "mid" && i % 3 == 2 ? 2400.0 : base;
      const std::vector<float> tone = test::sine(hz * (1.0 + 0.03 * i), 22050, 22050, 0.3);
      test::write_audio(root / name / (name + std::to_string(i) + ".wav"), tone, 22050, 1);
    }
  }
}

TEST(PlotCommand, WritesTheAskedKindFormatAndSize) {
  test::TempDir dir;
  const fs::path clip = dir / "a4.wav";
  test::write_audio(clip, test::sine(440.0, 22050, 22050), 22050, 1);
  const auto svg = mirkit({"plot", clip.string(), "--kind", "cqt", "-o", (dir / "c.svg").string(),
                           "--width", "500", "--height", "300"});
  ASSERT_EQ(svg.exit_code, 0) << svg.err;
  EXPECT_EQ(test::svg_size(read_all(dir / "c.svg")), std::make_pair(500, 300));
  const auto png = mirkit(
      {"plot", clip.string(), "--kind", "hpss", "-c", kGtzan, "-o", (dir / "h.png").string()});
  ASSERT_EQ(png.exit_code, 0) << png.err;
  EXPECT_EQ(test::png_size(read_all(dir / "h.png")), std::make_pair(1000, 500));
}

TEST(PlotCommand, BadInputsGetOneLineAndTheirExitCode) {
  test::TempDir dir;
  const auto kind = mirkit({"plot", (dir / "x.wav").string(), "--kind", "spectrum"});
  EXPECT_EQ(kind.exit_code, 2);
  EXPECT_NE(kind.err.find("wave, stft, mel"), std::string::npos) << kind.err;
  const auto ending = mirkit({"plot", (dir / "x.wav").string(), "-o", (dir / "x.jpg").string()});
  EXPECT_EQ(ending.exit_code, 2);
  EXPECT_NE(ending.err.find(".png or .svg"), std::string::npos) << ending.err;
  test::write_bytes(dir / "broken.wav", "RIFF\x10\0\0\0WAVEfmt ");
  const auto broken =
      mirkit({"plot", (dir / "broken.wav").string(), "-o", (dir / "b.png").string()});
  EXPECT_EQ(broken.exit_code, 3) << "one input, and nothing written";
  EXPECT_NE(broken.err.find("broken.wav"), std::string::npos) << broken.err;
  EXPECT_EQ(test::split_lines(broken.err).size(), 1u) << broken.err;
  EXPECT_FALSE(fs::exists(dir / "b.png"));
}

class Pictures : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir;
    make_classes(*dir_ / "audio", 6);
    ASSERT_EQ(
        mirkit({"extract", (*dir_ / "audio").string(), "-c", kGtzan, "-o", features()}).exit_code,
        0);
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::string features() { return (*dir_ / "f.safetensors").string(); }
  static std::string train(const std::string& model, std::vector<std::string> extra = {}) {
    const std::string out = (*dir_ / (model + ".safetensors")).string();
    std::vector<std::string> args = {"train", features(), "-m", model, "-o", out};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto result = mirkit(args);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return out;
  }
  static test::TempDir* dir_;
};
test::TempDir* Pictures::dir_ = nullptr;

TEST_F(Pictures, ReportIsOneSelfContainedPageWithMetricsBeside) {
  const std::string model = train("knn", {"--set", "k=1"});
  const fs::path report = *dir_ / "report";
  const auto result = mirkit({"evaluate", model, features(), "--report", report.string(), "-o",
                              (*dir_ / "m.json").string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::string html = read_all(report / "report.html");
  for (const char* part : {"Confusion matrix", "Per class", "Worst-confused pairs",
                           "Misclassified files", "data:image/png;base64,"}) {
    EXPECT_NE(html.find(part), std::string::npos) << part;
  }
  // Self-contained: nothing is fetched from elsewhere.
  EXPECT_EQ(html.find("src=\"http"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(Json::parse(read_all(report / "metrics.json")),
            Json::parse(read_all(*dir_ / "m.json")));
}

TEST_F(Pictures, ReportOfCrossValidationListsTheMistakenFiles) {
  const fs::path report = *dir_ / "cv-report";
  const auto result =
      mirkit({"evaluate", "--cv", "3", features(), "-m", "knn", "--report", report.string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::string html = read_all(report / "report.html");
  // The "mid" clips that are high tones are predicted "high": listed, with their path.
  EXPECT_NE(html.find("mid2.wav"), std::string::npos);
}

TEST_F(Pictures, ExplainShowsImportancesOfAForest) {
  const std::string model = train("random_forest", {"--set", "trees=20"});
  const fs::path out = *dir_ / "rf.png";
  const auto result = mirkit({"explain", model, (*dir_ / "audio" / "low" / "low0.wav").string(),
                              "-o", out.string(), "--width", "800", "--height", "600"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const Json line = Json::parse(result.out);
  EXPECT_EQ(line["method"], "feature_importances");
  EXPECT_EQ(line["class"], "low");
  EXPECT_EQ(test::png_size(read_all(out)), std::make_pair(800, 600));
}

TEST_F(Pictures, ExplainShowsImportancesOfBoosting) {
  const std::string model = train("gradient_boosting", {"--set", "rounds=10"});
  const auto result = mirkit({"explain", model, (*dir_ / "audio" / "high" / "high0.wav").string(),
                              "-o", (*dir_ / "gb.svg").string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(Json::parse(result.out)["method"], "feature_importances");
  EXPECT_NE(read_all(*dir_ / "gb.svg").find("</svg>"), std::string::npos);
}

TEST_F(Pictures, ExplainNamesAnUnknownClass) {
  const std::string model = train("knn");
  const auto result = mirkit({"explain", model, (*dir_ / "audio" / "low" / "low0.wav").string(),
                              "-o", (*dir_ / "k.svg").string(), "--class", "tuba"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("high, low, mid"), std::string::npos) << result.err;
}

TEST_F(Pictures, LearningCurvesOfBoostingAndARefusalForOthers) {
  const fs::path curves = *dir_ / "curves.svg";
  train("gradient_boosting", {"--set", "rounds=20", "--plot-curves", curves.string()});
  EXPECT_EQ(test::svg_size(read_all(curves)), std::make_pair(900, 600));
  const auto svm =
      mirkit({"train", features(), "-m", "svm", "-o", (*dir_ / "s.safetensors").string(),
              "--plot-curves", (*dir_ / "s.png").string()});
  EXPECT_EQ(svm.exit_code, 2);
  // The models that do come from the registry's declarations, not from a list in the command.
  EXPECT_NE(svm.err.find("--plot-curves: svm records no per-iteration figures; "
                         "gradient_boosting, network do"),
            std::string::npos)
      << svm.err;
  EXPECT_FALSE(fs::exists(*dir_ / "s.safetensors")) << "refused before training";
}

TEST(PicturesMultiLabel, ReportCurvesAndImportancesPerTag) {
  test::TempDir dir;
  // Items tagged by which of two tones they hold, "low", "high" or both; a third of the "both"
  // items are labelled "low" only, so some tag sets come out wrong.
  std::string manifest = "path,label\n";
  for (int i = 0; i < 12; ++i) {
    const auto n = static_cast<std::size_t>(22050);
    std::vector<float> x = test::sine(200.0 * (1 + 0.02 * i), 22050, n, 0.3);
    const std::vector<float> high = test::sine(3000.0 * (1 + 0.02 * i), 22050, n, 0.3);
    std::string tags = "low";
    if (i % 3 == 1) {
      x = high;
      tags = "high";
    } else if (i % 3 == 2) {
      for (std::size_t k = 0; k < n; ++k)
        x[k] += high[k];
      tags = i == 5 ? "low" : "high;low";
    }
    const std::string name = "c" + std::to_string(i) + ".wav";
    test::write_audio(dir / name, x, 22050, 1);
    manifest += name + "," + tags + "\n";
  }
  test::write_bytes(dir / "tags.csv", manifest);
  const std::string features = (dir / "f.safetensors").string();
  ASSERT_EQ(
      mirkit({"extract", (dir / "tags.csv").string(), "-c", kGtzan, "-o", features}).exit_code, 0);
  const auto result = mirkit(
      {"evaluate", "--cv", "3", features, "-m", "knn", "--report", (dir / "report").string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::string html = read_all(dir / "report" / "report.html");
  for (const char* part : {"mean average precision", "Per tag", "Precision–recall curves",
                           "Items with a wrong tag set"}) {
    EXPECT_NE(html.find(part), std::string::npos) << part;
  }
  EXPECT_EQ(html.find("Confusion matrix"), std::string::npos) << "no confusion matrix for tags";

  // Boosting per tag: each tag's validation loss is a curve; explain averages the importances.
  const std::string model = (dir / "gb.safetensors").string();
  const auto trained = mirkit({"train", features, "-m", "gradient_boosting", "--set", "rounds=10",
                               "-o", model, "--plot-curves", (dir / "curves.png").string()});
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  EXPECT_EQ(test::png_size(read_all(dir / "curves.png")), std::make_pair(900, 600));
  const auto explained =
      mirkit({"explain", model, (dir / "c2.wav").string(), "-o", (dir / "why.png").string()});
  ASSERT_EQ(explained.exit_code, 0) << explained.err;
  EXPECT_EQ(Json::parse(explained.out)["method"], "feature_importances");
}

// A PyTorch-parity fixture network (VGG-like, 32 frames × 24 bands), given a 24-band log-mel
// recipe as export_torch.py --features records it.
TEST(ExplainNetwork, OcclusionMapOverTheLogMelInput) {
  test::TempDir dir;
  io::TensorFile file =
      io::read_safetensors(std::string(MIRKIT_NN_DATA_DIR) + "/arch_vgg.safetensors");
  file.metadata["features"] = {
      {"features", Json::array({{{"name", "melspectrogram"}, {"n_mels", 24}}})},
      {"output", "frames"}};
  const fs::path model = dir / "vgg.safetensors";
  io::write_safetensors(model, file);
  const fs::path clip = dir / "tone.wav";
  test::write_audio(clip, test::sine(440.0, 22050, 22050), 22050, 1);
  const auto result =
      mirkit({"explain", model.string(), clip.string(), "-o", (dir / "map.png").string(), "--width",
              "640", "--height", "720", "--saliency", "occlusion"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(Json::parse(result.out)["method"], "occlusion");
  EXPECT_EQ(test::png_size(read_all(dir / "map.png")), std::make_pair(640, 720));
  // Every layer of the VGG has a backward pass: by default, a gradient map.
  const auto gradient =
      mirkit({"explain", model.string(), clip.string(), "-o", (dir / "gradient.png").string()});
  ASSERT_EQ(gradient.exit_code, 0) << gradient.err;
  EXPECT_EQ(Json::parse(gradient.out)["method"], "gradient");
}

}  // namespace
}  // namespace mirkit
