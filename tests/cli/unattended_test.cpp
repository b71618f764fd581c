// The nightly job over a changing inbox, case by case: each test is one thing a user saw go
// wrong in `predict --resume`, `extract` or `info` run from cron (issue 14), run through the real
// binary. The long scripted sequence is cron_soak_test.cpp.
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include "cli_support.hpp"
#include "mirkit/core/file_lock.hpp"
#include "mirkit/core/json.hpp"
#include "mirkit/core/text.hpp"
#include "support/audio_files.hpp"
#include "support/signals.hpp"
#include "support/temp_dir.hpp"
#include "unattended_support.hpp"

namespace mirkit {
namespace {
using test::mirkit;
using test::read_all;
namespace fs = std::filesystem;

using test::kMfcc;

class Unattended : public test::InboxFixture {};

TEST_F(Unattended, AReplacedFileIsLabelledAgain) {
  write_tone("a.wav", 150.0, 1.0);
  write_tone("b.wav", 2400.0, 1.0);
  ASSERT_EQ(label({"--update"}).exit_code, 0);
  EXPECT_NE(read_all(labels_).find("inbox/a.wav,low"), std::string::npos) << read_all(labels_);
  write_tone("a.wav", 2400.0, 1.2);  // another clip under the same name
  const auto again = label({"--update"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(read_all(labels_).find("inbox/a.wav,high"), std::string::npos) << read_all(labels_);
  EXPECT_NE(again.err.find("(1 now, 1 unchanged)"), std::string::npos) << again.err;
  expect_equals_a_fresh_run();
}

TEST_F(Unattended, AVanishedFilesRowIsDroppedAndTheCountsAgree) {
  write_tone("a.wav", 150.0, 1.0);
  write_tone("b.wav", 700.0, 1.0);
  write_tone("c.wav", 2400.0, 1.0);
  ASSERT_EQ(label({"--update"}).exit_code, 0);
  fs::remove(inbox_ / "a.wav");
  const auto again = label({"--update"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(read_all(labels_).find("inbox/a.wav"), std::string::npos) << read_all(labels_);
  EXPECT_EQ(test::split_lines(read_all(labels_)).size(), 3u);  // the header and two rows
  EXPECT_NE(again.err.find("labelled 2 files (0 now, 2 unchanged)"), std::string::npos)
      << again.err;
  expect_equals_a_fresh_run();

  // --keep-missing keeps it, after the current rows.
  write_tone("a.wav", 150.0, 1.0);
  ASSERT_EQ(label({"--update"}).exit_code, 0);
  fs::remove(inbox_ / "a.wav");
  const auto kept = label({"--update", "--keep-missing"});
  ASSERT_EQ(kept.exit_code, 0) << kept.err;
  const auto lines = test::split_lines(read_all(labels_));
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[3].rfind("inbox/a.wav,", 0), 0u) << lines[3];
}

TEST_F(Unattended, UpdateWithAnotherModelIsRefusedNamingBothHashes) {
  write_tone("a.wav", 150.0, 1.0);
  ASSERT_EQ(label({"--update"}).exit_code, 0);
  const std::string before = read_all(labels_);
  // The same classes, another model.
  const std::string other = (dir_ / "other.safetensors").string();
  ASSERT_EQ(mirkit({"train", features_, "-m", "knn", "--set", "k=1", "-o", other}).exit_code, 0);
  const auto refused = mirkit({"predict", other, inbox_.string(), "-o", labels_, "--update"});
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  // Both hashes named: the one the labels were made with, and this run's.
  const auto hash_after = [&](const std::string& words) {
    const auto at = refused.err.find(words);
    return at == std::string::npos ? std::string() : refused.err.substr(at + words.size(), 16);
  };
  const std::string before_hash = hash_after("labelled by model ");
  const std::string now_hash = hash_after("this run's model is ");
  EXPECT_EQ(before_hash.size(), 16u) << refused.err;
  EXPECT_EQ(now_hash.size(), 16u) << refused.err;
  EXPECT_NE(before_hash, now_hash);
  EXPECT_EQ(read_all(labels_), before);
  // Without --update, a fresh run with the new model.
  EXPECT_EQ(mirkit({"predict", other, inbox_.string(), "-o", labels_}).exit_code, 0);
}

TEST_F(Unattended, OtherRowSettingsAreRefused) {
  write_tone("a.wav", 150.0, 1.0);
  ASSERT_EQ(label({"--update"}).exit_code, 0);
  const auto refused = label({"--update", "--min-prob", "0.9"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("min_prob none then, 0.9 now"), std::string::npos) << refused.err;
}

// A classical model's row settings are those of the versions before networks' windows could
// overlap: a nightly --update goes on across the upgrade (the sidecar of an earlier version has
// no "hop_s"). A network's rows do depend on the spacing, so there the settings name it.
TEST_F(Unattended, UpdateGoesOnAcrossTheUpgradeThatAddedWindowSpacing) {
  write_tone("a.wav", 150.0, 1.0);
  ASSERT_EQ(label({"--update"}).exit_code, 0);
  const std::string sidecar = labels_ + ".json";
  Json earlier = Json::parse(read_all(sidecar));
  EXPECT_FALSE(earlier["settings"].contains("hop_s")) << earlier["settings"].dump();
  earlier["settings"].erase("hop_s");  // as an earlier version wrote it
  test::write_bytes(sidecar, earlier.dump());
  write_tone("b.wav", 300.0, 1.0);
  const auto updated = label({"--update"});
  ASSERT_EQ(updated.exit_code, 0) << updated.err;
  EXPECT_NE(updated.err.find("(1 now, 1 unchanged)"), std::string::npos) << updated.err;
}

TEST_F(Unattended, APathWithANewlineGetsOneRowRunAfterRun) {
  write_tone("new\nline.wav", 150.0, 1.0);
  write_tone("plain.wav", 2400.0, 1.0);
  for (int run = 0; run < 3; ++run) {
    const auto result = label({"--update"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
  }
  expect_equals_a_fresh_run();
  const std::string text = read_all(labels_);
  EXPECT_EQ(text.find("\"inbox/new\nline.wav\""), text.rfind("\"inbox/new\nline.wav\""));
}

// The lock comes before anything is read: with it held, a second run stops with the lock's
// error even when its list of inputs could not be read at all.
TEST_F(Unattended, TheLockIsTakenBeforeTheListIsRead) {
  write_tone("a.wav", 150.0, 1.0);
  const FileLock held(labels_ + ".lock");
  const auto refused =
      mirkit({"predict", model_, "--files-from", (dir_ / "no-list").string(), "-o", labels_});
  EXPECT_EQ(refused.exit_code, 3) << refused.err;
  EXPECT_NE(refused.err.find("another mirkit run holds this lock"), std::string::npos)
      << refused.err;
  EXPECT_FALSE(fs::exists(labels_));
}

TEST_F(Unattended, AnEmptyInboxIsExitZeroWithAWarning) {
  const auto predicted = label({"--update"});
  EXPECT_EQ(predicted.exit_code, 0) << predicted.err;
  EXPECT_NE(predicted.err.find("no audio files in this folder"), std::string::npos);
  EXPECT_EQ(read_all(labels_), "path,label,high,low,mid\n");
  const std::string features = (dir_ / "inbox.safetensors").string();
  const auto extracted = mirkit({"extract", inbox_.string(), "-c", kMfcc, "-o", features});
  EXPECT_EQ(extracted.exit_code, 0) << extracted.err;
  EXPECT_NE(mirkit({"info", features}).out.find("\"items\":0"), std::string::npos);
  const auto info = mirkit({"info", inbox_.string()});
  EXPECT_EQ(info.exit_code, 0);
}

// A folder named like an audio file: one error line, the same in every command, exit 1; the
// other files go on.
TEST_F(Unattended, AFolderNamedLikeAudioIsOneErrorInEveryCommand) {
  write_tone("a.wav", 150.0, 1.0);
  fs::create_directories(inbox_ / "take.wav");
  const std::string message = "take.wav: is a folder named like an audio file; not scanned";
  const std::string list = (inbox_ / "take.wav").string() + "\n" + (inbox_ / "a.wav").string();
  const std::vector<std::vector<std::string>> commands = {
      {"extract", inbox_.string(), "-c", kMfcc, "-o", (dir_ / "x.safetensors").string()},
      {"extract", "--files-from", "-", "-c", kMfcc, "-o", (dir_ / "y.safetensors").string()},
      {"predict", model_, inbox_.string(), "-o", labels_},
      {"predict", model_, "--files-from", "-", "-o", (dir_ / "l2.csv").string()},
      {"info", inbox_.string()},
      {"info", "--files-from", "-"},
  };
  for (const auto& args : commands) {
    const auto result = mirkit(args, list);
    EXPECT_EQ(result.exit_code, 1) << args[0] << " " << args[1] << "\n" << result.err;
    const auto errors = test::split_lines(result.err);
    EXPECT_EQ(std::count_if(errors.begin(), errors.end(),
                            [&](const std::string& line) {
                              return line.find(message) != std::string::npos &&
                                     line.rfind("mirkit: error: ", 0) == 0;
                            }),
              1)
        << args[0] << " " << args[1] << "\n"
        << result.err;
  }
}

// As an unprivileged user, a sub-folder of mode 000 is one error line and exit 1, not a silent
// gap in the labels. Root reads any folder, so as root the commands run as `nobody`.
TEST_F(Unattended, AnUnreadableSubFolderIsAnErrorNotAGap) {
  write_tone("a.wav", 150.0, 1.0);
  write_tone("locked/b.wav", 150.0, 1.0);
  fs::permissions(inbox_ / "locked", fs::perms::none);
  std::vector<std::string> prefix;
  if (::geteuid() == 0) {
    if (!fs::exists("/usr/bin/setpriv")) GTEST_SKIP() << "no setpriv to drop to nobody";
    prefix = {"--reuid=nobody", "--regid=nogroup", "--clear-groups", MIRKIT_BINARY};
    fs::permissions(dir_.path(), fs::perms::all);
  }
  const auto run = [&](std::vector<std::string> args) {
    if (prefix.empty()) return mirkit(args);
    args.insert(args.begin(), prefix.begin(), prefix.end());
    return test::run_program("/usr/bin/setpriv", args);
  };
  const std::string out = (dir_ / "nobody.csv").string();
  const auto result = run({"predict", model_, inbox_.string(), "-o", out});
  fs::permissions(inbox_ / "locked", fs::perms::owner_all);
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_NE(result.err.find("locked: cannot read folder (Permission denied)"), std::string::npos)
      << result.err;
  EXPECT_NE(read_all(out).find("inbox/a.wav"), std::string::npos);
  EXPECT_NE(read_all(out + ".errors.jsonl").find("cannot read folder"), std::string::npos);
}

TEST_F(Unattended, AFatalExtractLeavesNoCheckpointBehind) {
  test::write_bytes(inbox_ / "bad1.wav", "RIFF....WAVEjunk");
  test::write_bytes(inbox_ / "bad2.wav", "not audio");
  const std::string out = (dir_ / "f.safetensors").string();
  const auto fatal = mirkit({"extract", inbox_.string(), "-c", kMfcc, "-o", out});
  EXPECT_EQ(fatal.exit_code, 3) << fatal.err;
  EXPECT_FALSE(fs::exists(out + ".journal"));
  write_tone("good.wav", 150.0, 1.0);
  const auto next = mirkit({"extract", inbox_.string(), "-c", kMfcc, "-o", out});
  EXPECT_EQ(next.exit_code, 1) << next.err;
  EXPECT_EQ(next.err.find("interrupted"), std::string::npos) << next.err;
}

// Nothing is left beside the outputs but the outputs: no lock, no empty error log; each output
// has its own error log.
TEST_F(Unattended, NoClutterAndAnErrorLogPerOutput) {
  write_tone("a.wav", 150.0, 1.0);
  ASSERT_EQ(label({}).exit_code, 0);
  const std::string features = (dir_ / "f.safetensors").string();
  ASSERT_EQ(mirkit({"extract", inbox_.string(), "-c", kMfcc, "-o", features}).exit_code, 0);
  for (const auto& entry : fs::directory_iterator(dir_.path())) {
    const std::string name = entry.path().filename().string();
    EXPECT_TRUE(name == "inbox" || name == "train" || name == "model.safetensors" ||
                name == "train.safetensors" || name == "labels.csv" || name == "labels.csv.json" ||
                name == "f.safetensors")
        << "left behind: " << name;
  }
  test::write_bytes(inbox_ / "bad.wav", "RIFF....WAVEjunk");
  const std::string jsonl = (dir_ / "labels.jsonl").string();
  EXPECT_EQ(label({}).exit_code, 1);
  EXPECT_EQ(mirkit({"predict", model_, inbox_.string(), "-o", jsonl}).exit_code, 1);
  EXPECT_EQ(test::split_lines(read_all(labels_ + ".errors.jsonl")).size(), 1u);
  EXPECT_EQ(test::split_lines(read_all(jsonl + ".errors.jsonl")).size(), 1u);
  // Fixed: the next run's error log is gone with the error.
  fs::remove(inbox_ / "bad.wav");
  EXPECT_EQ(label({}).exit_code, 0);
  EXPECT_FALSE(fs::exists(labels_ + ".errors.jsonl"));
  EXPECT_FALSE(fs::exists(labels_ + ".lock"));
}

TEST_F(Unattended, DashOutputWritesOnlyTheTableToStdout) {
  write_tone("a.wav", 150.0, 1.0);
  const auto piped =
      mirkit({"predict", model_, inbox_.string(), "-o", "-", "--root", dir_.path().string()});
  ASSERT_EQ(piped.exit_code, 0) << piped.err;
  ASSERT_EQ(label({}).exit_code, 0);
  EXPECT_EQ(piped.out, read_all(labels_));
  EXPECT_FALSE(fs::exists("-"));
}

TEST_F(Unattended, NamedPathsAndOutputFoldersMustExist) {
  write_tone("a.wav", 150.0, 1.0);
  const auto missing_input = mirkit({"predict", model_, (dir_ / "nope").string(), "-o", labels_});
  EXPECT_EQ(missing_input.exit_code, 2);
  EXPECT_NE(missing_input.err.find("nope: no such file or folder"), std::string::npos);
  const std::string folder = (dir_ / "no-such-folder").string();
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"predict", model_, inbox_.string(), "-o", folder + "/labels.csv"},
           {"extract", inbox_.string(), "-c", kMfcc, "-o", folder + "/f.safetensors"}}) {
    const auto result = mirkit(args);
    EXPECT_EQ(result.exit_code, 2) << result.err;
    EXPECT_NE(result.err.find("the output folder '" + folder + "' does not exist"),
              std::string::npos)
        << result.err;
    EXPECT_EQ(result.err.find(".lock"), std::string::npos) << result.err;
  }
}

TEST_F(Unattended, OpenSetLabelsWhatTheModelDoesNotKnow) {
  write_tone("a.wav", 150.0, 1.0);
  const auto sure = mirkit({"predict", model_, inbox_.string(), "--min-prob", "0.2"});
  EXPECT_NE(sure.out.find("inbox/a.wav,low,"), std::string::npos) << sure.out;
  // k = 7 over four clips a class: three neighbours at least are of another class, so no
  // probability reaches 1, and --min-prob 1 flags every row.
  const auto unsure = mirkit(
      {"predict", model_, inbox_.string(), "--min-prob", "1", "--unknown-label", "new-instrument"});
  EXPECT_EQ(unsure.out.find("inbox/a.wav,low,"), std::string::npos) << unsure.out;
  const auto jsonl = (dir_ / "l.jsonl").string();
  ASSERT_EQ(mirkit({"predict", model_, inbox_.string(), "--min-prob", "1", "-o", jsonl}).exit_code,
            0);
  EXPECT_NE(read_all(jsonl).find("\"label\":\"unknown\""), std::string::npos) << read_all(jsonl);
}

// JSON Lines hold each probability as the shortest decimal that reads back to the same float32,
// the text the CSV has.
TEST_F(Unattended, JsonNumbersAreTheFloatsShortestText) {
  write_tone("a.wav", 150.0, 1.0);
  write_tone("b.wav", 700.0, 1.3);
  const std::string jsonl = (dir_ / "l.jsonl").string();
  ASSERT_EQ(mirkit({"predict", model_, inbox_.string(), "-o", jsonl}).exit_code, 0);
  const std::string text = read_all(jsonl);
  // Every probability: the number after each class name in "probabilities":{…}.
  int seen = 0;
  for (const std::string& line : test::split_lines(text)) {
    const Json parsed = Json::parse(line);
    const Json& probabilities = parsed.at("probabilities");
    for (auto it = probabilities.begin(); it != probabilities.end(); ++it) {
      ++seen;
      const std::string key = "\"" + it.key() + "\":";
      const auto at = line.find(key, line.find("\"probabilities\""));
      ASSERT_NE(at, std::string::npos);
      std::string value = line.substr(at + key.size());
      value = value.substr(0, value.find_first_of(",}"));
      // JSON writes a whole number as 1.0 where the CSV has 1; otherwise the same text.
      if (value.ends_with(".0")) value.resize(value.size() - 2);
      EXPECT_EQ(value, float_text(it.value().get<float>())) << "not the float's shortest text";
    }
  }
  EXPECT_EQ(seen, 6);
  // Each JSON Lines row says what made it: the model's and the recipe's hashes, the version.
  const Json row = Json::parse(test::split_lines(text).front());
  const Json sidecar = Json::parse(read_all(jsonl + ".json"));
  EXPECT_EQ(row["model_hash"], sidecar["model"]["hash"]);
  EXPECT_EQ(row["recipe_hash"], sidecar["recipe_hash"]);
  EXPECT_EQ(row["mirkit_version"], sidecar["mirkit_version"]);
}

TEST_F(Unattended, SegmentOptionsNeedASegmentLength) {
  write_tone("a.wav", 150.0, 1.0);
  for (const char* flag : {"--aggregate=vote", "--per-segment"}) {
    const auto result = mirkit({"predict", model_, inbox_.string(), flag});
    EXPECT_EQ(result.exit_code, 2) << flag;
    EXPECT_NE(result.err.find("--segment"), std::string::npos) << result.err;
  }
}

}  // namespace
}  // namespace mirkit
