// What the tests of the unattended loop share: a small trained model (three classes of tones,
// k-NN on MFCCs), an inbox folder that the tests change between runs, and the check that
// matters after every run: the labels equal those of a fresh full run, byte for byte.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "cli_support.hpp"
#include "support/audio_files.hpp"
#include "support/signals.hpp"
#include "support/temp_dir.hpp"

namespace mirkit::test {
namespace fs = std::filesystem;

inline const std::string kMfcc = std::string(MIRKIT_CONFIG_DIR) + "/features/mfcc.json";

class InboxFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const auto& [name, base] : std::vector<std::pair<std::string, double>>{
             {"high", 2400.0}, {"low", 150.0}, {"mid", 700.0}}) {
      for (int i = 0; i < 4; ++i) {
        write_tone_file(dir_ / "train" / name / (std::to_string(i) + ".wav"),
                        base * (1.0 + 0.04 * i), 0.5);
      }
    }
    fs::create_directories(inbox_);
    const auto extracted =
        mirkit({"extract", (dir_ / "train").string(), "-c", kMfcc, "-o", features_});
    ASSERT_EQ(extracted.exit_code, 0) << extracted.err;
    const auto trained = mirkit({"train", features_, "-m", "knn", "-o", model_});
    ASSERT_EQ(trained.exit_code, 0) << trained.err;
  }

  // A tone of `frequency` Hz (with a quieter octave, so no two clips are alike) into the inbox.
  void write_tone(const std::string& name, double frequency, double seconds) {
    write_tone_file(inbox_ / name, frequency, seconds);
  }
  static void write_tone_file(const fs::path& path, double frequency, double seconds) {
    fs::create_directories(path.parent_path());
    const auto n = static_cast<std::size_t>(seconds * 22050);
    std::vector<float> tone = sine(frequency, 22050, n, 0.3);
    const std::vector<float> octave = sine(frequency * 2.0, 22050, n, 0.05);
    for (std::size_t i = 0; i < n; ++i)
      tone[i] += octave[i];
    write_audio(path, tone, 22050, 1);
  }

  // predict over the inbox into labels.csv, paths relative to the test's folder.
  RunResult label(const std::vector<std::string>& extra, const std::string& output = {}) {
    std::vector<std::string> args = {"predict",
                                     model_,
                                     inbox_.string(),
                                     "-o",
                                     output.empty() ? labels_ : output,
                                     "--root",
                                     dir_.path().string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return mirkit(args);
  }

  // A fresh full run over the same inbox writes the same labels, sidecar and error log.
  void expect_equals_a_fresh_run(const std::vector<std::string>& extra = {}) {
    const std::string fresh = (dir_ / "fresh.csv").string();
    const RunResult result = label(extra, fresh);
    ASSERT_LE(result.exit_code, 1) << result.err;
    EXPECT_EQ(read_all(labels_), read_all(fresh));
    EXPECT_EQ(read_all(labels_ + ".json"), read_all(fresh + ".json"));
    EXPECT_EQ(read_all(labels_ + ".errors.jsonl"), read_all(fresh + ".errors.jsonl"));
    EXPECT_EQ(fs::exists(labels_ + ".errors.jsonl"), fs::exists(fresh + ".errors.jsonl"));
    for (const std::string& name : {fresh, fresh + ".json", fresh + ".errors.jsonl"})
      fs::remove(name);
  }

  TempDir dir_;
  fs::path inbox_ = dir_ / "inbox";
  std::string features_ = (dir_ / "train.safetensors").string();
  std::string model_ = (dir_ / "model.safetensors").string();
  std::string labels_ = (dir_ / "labels.csv").string();
};

}  // namespace mirkit::test
