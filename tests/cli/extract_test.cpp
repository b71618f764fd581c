// mirkit extract, merge, split, export and info on feature files: the batch behaviours users run
// from cron (labels, manifests, bad files, threads, kill and resume, shards, updates).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "cli_support.hpp"
#include "mirkit/core/json.hpp"
#include "mirkit/features/extractor.hpp"
#include "mirkit/pipeline/feature_file.hpp"
#include "mirkit/pipeline/model_file.hpp"
#include "support/audio_files.hpp"
#include "support/run.hpp"
#include "support/signals.hpp"
#include "support/temp_dir.hpp"

extern char** environ;

namespace mirkit {
namespace {
using test::mirkit;
using test::read_all;
namespace fs = std::filesystem;

const std::string kMfcc = std::string(MIRKIT_CONFIG_DIR) + "/features/mfcc.json";
const std::string kGtzan = std::string(MIRKIT_CONFIG_DIR) + "/features/gtzan.json";

// A GTZAN-style folder: classes × clips of tones, each clip a different pitch.
void make_dataset(const fs::path& root, int clips_per_class, double seconds = 1.0,
                  int first_clip = 0) {
  const std::vector<std::pair<std::string, double>> classes = {{"low", 220.0}, {"high", 1760.0}};
  for (const auto& [name, base] : classes) {
    fs::create_directories(root / name);
    for (int i = first_clip; i < first_clip + clips_per_class; ++i) {
      const auto samples = static_cast<std::size_t>(seconds * 22050);
      std::vector<float> tone = test::sine(base * (1.0 + 0.05 * i), 22050, samples, 0.4);
      const std::vector<float> second = test::sine(base * 1.5, 22050, samples, 0.1);
      for (std::size_t n = 0; n < samples; ++n)
        tone[n] += second[n];
      char file[32];
      std::snprintf(file, sizeof(file), "%s.%03d.wav", name.c_str(), i);
      test::write_audio(root / name / file, tone, 22050, 1);
    }
  }
}

pipeline::FeatureFile read(const fs::path& path) {
  return pipeline::read_feature_file(path);
}

TEST(ExtractCommand, LabelsFilesByTheirFolder) {
  test::TempDir dir;
  make_dataset(dir / "data", 3);
  const auto result = mirkit(
      {"extract", (dir / "data").string(), "-c", kMfcc, "-o", (dir / "f.safetensors").string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const pipeline::FeatureFile file = read(dir / "f.safetensors");
  ASSERT_EQ(file.items.size(), 6u);
  EXPECT_EQ(file.layout, pipeline::FeatureLayout::pooled);
  EXPECT_EQ(file.values.rows(), 6);
  EXPECT_EQ(file.values.cols(), 120);  // mfcc.json: 20 MFCC + deltas + delta-deltas, mean and std
  // Sorted by path: high/ before low/.
  EXPECT_EQ(file.items[0].labels, std::vector<std::string>{"high"});
  EXPECT_EQ(file.items[5].labels, std::vector<std::string>{"low"});
  EXPECT_NE(file.items[0].path.find("high/high.000.wav"), std::string::npos);
  EXPECT_NEAR(file.items[0].duration_s, 1.0, 1e-9);
  EXPECT_EQ(file.classes(), (std::vector<std::string>{"high", "low"}));

  const auto info = mirkit({"info", (dir / "f.safetensors").string()});
  ASSERT_EQ(info.exit_code, 0) << info.err;
  const Json summary = Json::parse(info.out);
  EXPECT_EQ(summary["kind"], "features");
  EXPECT_EQ(summary["items"], 6);
  EXPECT_EQ(summary["dims"], 120);
  EXPECT_EQ(summary["labels"]["low"], 3);
  EXPECT_EQ(summary["config_hash"], file.config_hash);
}

TEST(ExtractCommand, ReadsManifestsWithGroupsRangesAndSeveralLabels) {
  test::TempDir dir;
  make_dataset(dir / "data", 2, 2.0);
  test::write_bytes(dir / "data" / "list.csv",
                    "path,label,group,start,duration,year\n"
                    "low/low.000.wav,bass;calm,artist1,0.5,1.0,1999\n"
                    "\"high/high.001.wav\",treble,artist2,,,2001\n");
  test::write_bytes(dir / "data" / "list.jsonl",
                    R"({"path": "low/low.001.wav", "label": ["bass"], "group": "artist1"})"
                    "\n");
  const auto result = mirkit({"extract", (dir / "data" / "list.csv").string(),
                              (dir / "data" / "list.jsonl").string(), "-c", kMfcc, "-o",
                              (dir / "m.safetensors").string(), "--root", (dir / "data").string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  // A column mirkit does not read is passed over with one warning naming the manifest.
  EXPECT_NE(result.err.find("list.csv: ignoring the column 'year' (mirkit reads path, label"),
            std::string::npos)
      << result.err;
  const pipeline::FeatureFile file = read(dir / "m.safetensors");
  ASSERT_EQ(file.items.size(), 3u);
  EXPECT_EQ(file.items[0].path, "low/low.000.wav");
  EXPECT_EQ(file.items[0].labels, (std::vector<std::string>{"bass", "calm"}));
  EXPECT_EQ(file.items[0].group, "artist1");
  EXPECT_DOUBLE_EQ(file.items[0].start_s, 0.5);
  EXPECT_NEAR(file.items[0].duration_s, 1.0, 1e-9);
  EXPECT_EQ(file.items[1].path, "high/high.001.wav");
  EXPECT_NEAR(file.items[1].duration_s, 2.0, 1e-9);
  EXPECT_EQ(file.items[2].labels, std::vector<std::string>{"bass"});
  EXPECT_TRUE(file.is_multi_label());
}

TEST(ExtractCommand, AManifestErrorNamesTheLineAndColumn) {
  test::TempDir dir;
  test::write_bytes(dir / "bad.csv", "path,lable,tempo\na.wav,rock,120\n");
  auto result = mirkit(
      {"extract", (dir / "bad.csv").string(), "-c", kMfcc, "-o", (dir / "x.safetensors").string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("bad.csv:1: unknown column 'lable' (did you mean 'label'?)"),
            std::string::npos)
      << result.err;
  test::write_bytes(dir / "bad.jsonl",
                    "{\"path\": \"a.wav\"}\n{\"path\": \"b.wav\", \"start\": -1}\n");
  result = mirkit({"extract", (dir / "bad.jsonl").string(), "-c", kMfcc, "-o",
                   (dir / "x.safetensors").string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("bad.jsonl:2: 'start'"), std::string::npos) << result.err;
  EXPECT_FALSE(fs::exists(dir / "x.safetensors"));
}

TEST(ExtractCommand, BadFilesInTheMiddleAreLoggedAndTheRestKept) {
  test::TempDir dir;
  make_dataset(dir / "data", 2);
  test::write_bytes(dir / "data" / "high" / "high.000b.wav", "");                    // empty
  test::write_bytes(dir / "data" / "low" / "low.000b.mp3", std::string(3000, 'x'));  // not MP3
  fs::create_directories(dir / "data" / "low" / "low.000c.wav");                     // a folder
  const std::string good = read_all(dir / "data" / "low" / "low.001.wav");
  test::write_bytes(dir / "data" / "low" / "low.000d.wav", good.substr(0, 30));  // truncated
  fs::create_directories(dir / "out");
  const auto result = mirkit({"extract", (dir / "data").string(), "-c", kMfcc, "-o",
                              (dir / "out" / "f.safetensors").string(), "-j", "2"});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  const pipeline::FeatureFile file = read(dir / "out" / "f.safetensors");
  EXPECT_EQ(file.items.size(), 4u);
  const auto log = test::split_lines(read_all(dir / "out" / "f.safetensors.errors.jsonl"));
  ASSERT_EQ(log.size(), 4u) << "the folder named .wav is an error of its own, not scanned";
  for (const std::string& line : log) {
    const Json entry = Json::parse(line);
    EXPECT_FALSE(entry["error"].get<std::string>().empty());
    EXPECT_NE(result.err.find(entry["file"].get<std::string>()), std::string::npos)
        << "stderr names every failed file";
  }
  EXPECT_NE(log[0].find("low.000c.wav"), std::string::npos) << "what gathering found comes first";
  EXPECT_NE(log[1].find("high.000b.wav"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir / "out" / "f.safetensors.journal"));
}

TEST(ExtractCommand, AFolderNamedLikeAFileIsAnErrorForThatInput) {
  test::TempDir dir;
  make_dataset(dir / "data", 1);
  fs::create_directories(dir / "x.wav");
  const auto result =
      mirkit({"extract", (dir / "data" / "low" / "low.000.wav").string(), "--files-from", "-", "-c",
              kMfcc, "-o", (dir / "f.safetensors").string()},
             (dir / "x.wav").string() + "\n" + (dir / "missing.flac").string() + "\n");
  // x.wav is a folder named like an audio file: an error of its own, as in a folder scan and in
  // every other command; the missing file is one too.
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_NE(result.err.find("x.wav: is a folder named like an audio file"), std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("missing.flac"), std::string::npos) << result.err;
  EXPECT_EQ(read(dir / "f.safetensors").items.size(), 1u);
}

TEST(ExtractCommand, WhenNothingCanBeReadItIsFatalAndWritesNoFile) {
  test::TempDir dir;
  test::write_bytes(dir / "a.wav", "junk");
  const auto result = mirkit(
      {"extract", (dir / "a.wav").string(), "-c", kMfcc, "-o", (dir / "f.safetensors").string()});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_FALSE(fs::exists(dir / "f.safetensors"));
  EXPECT_EQ(test::split_lines(read_all(dir / "f.safetensors.errors.jsonl")).size(), 1u);
}

TEST(ExtractCommand, ABadConfigIsAUsageErrorNamingTheKey) {
  test::TempDir dir;
  make_dataset(dir / "data", 1);
  test::write_bytes(dir / "c.json", R"({"features": [{"name": "mfcc", "n_mfccs": 13}]})");
  const auto result = mirkit({"extract", (dir / "data").string(), "-c", (dir / "c.json").string(),
                              "-o", (dir / "f.safetensors").string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("n_mfccs"), std::string::npos) << result.err;
}

// Parameters that do not go together stop the run before its first file, with one line naming
// the recipe: before, extract got as far as the first file and left a journal behind.
TEST(ExtractCommand, ParametersThatDoNotGoTogetherStopTheRunBeforeAnyFile) {
  test::TempDir dir;
  make_dataset(dir / "data", 2);
  test::write_bytes(dir / "c.json",
                    R"({"features": [{"name": "mfcc", "n_mfcc": 40, "n_mels": 20}]})");
  const auto result = mirkit({"extract", (dir / "data").string(), "-c", (dir / "c.json").string(),
                              "-o", (dir / "f.safetensors").string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(test::split_lines(result.err).size(), 1u) << result.err;
  EXPECT_NE(result.err.find((dir / "c.json").string() +
                            ": features[0] (mfcc): 'n_mfcc' (40) must not exceed 'n_mels' (20)"),
            std::string::npos)
      << result.err;
  EXPECT_FALSE(fs::exists(dir / "f.safetensors"));
  EXPECT_FALSE(fs::exists(dir / "f.safetensors.journal"));
}

TEST(ExtractCommand, OutputBytesDoNotDependOnTheNumberOfThreads) {
  test::TempDir dir;
  make_dataset(dir / "data", 5);
  for (const char* jobs : {"1", "2", "3"}) {
    const auto result =
        mirkit({"extract", (dir / "data").string(), "-c", kGtzan, "-o",
                (dir / (std::string("j") + jobs + ".safetensors")).string(), "-j", jobs});
    ASSERT_EQ(result.exit_code, 0) << result.err;
  }
  const std::string one = read_all(dir / "j1.safetensors");
  EXPECT_EQ(one, read_all(dir / "j2.safetensors"));
  EXPECT_EQ(one, read_all(dir / "j3.safetensors"));
}

TEST(ExtractCommand, ShardsMergeToTheSingleRunByteForByte) {
  test::TempDir dir;
  make_dataset(dir / "data", 6);
  ASSERT_EQ(mirkit({"extract", (dir / "data").string(), "-c", kMfcc, "-o",
                    (dir / "all.safetensors").string()})
                .exit_code,
            0);
  std::vector<std::string> merge = {"merge"};
  std::size_t items = 0;
  for (int shard = 3; shard-- > 0;) {  // merged out of order on purpose
    const std::string out = (dir / ("part" + std::to_string(shard) + ".safetensors")).string();
    const auto result = mirkit({"extract", (dir / "data").string(), "-c", kMfcc, "-o", out,
                                "--shard", std::to_string(shard) + "/3"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    items += read(out).items.size();
    merge.push_back(out);
  }
  EXPECT_EQ(items, 12u);
  const std::vector<std::string> parts(merge.begin() + 1, merge.end());
  merge.insert(merge.end(), {"-o", (dir / "merged.safetensors").string()});
  const auto merged = mirkit(merge);
  ASSERT_EQ(merged.exit_code, 0);
  EXPECT_EQ(merged.err.find("missing"), std::string::npos) << merged.err;
  EXPECT_EQ(read_all(dir / "all.safetensors"), read_all(dir / "merged.safetensors"));

  // Two of the three (part 2 and part 1): refused, naming the shard not given, nothing written
  // (a Slurm afterok chain cannot publish half a data set); with --partial, joined with a
  // warning.
  const std::string half = (dir / "partial.safetensors").string();
  const auto refused = mirkit({"merge", parts[0], parts[1], "-o", half});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("shard 0/3 of this run is missing; nothing written"),
            std::string::npos)
      << refused.err;
  EXPECT_FALSE(fs::exists(half));
  const auto partial = mirkit({"merge", parts[0], parts[1], "-o", half, "--partial"});
  EXPECT_EQ(partial.exit_code, 0);
  EXPECT_NE(partial.err.find("shard 0/3 of this run is missing"), std::string::npos) << partial.err;
}

TEST(ExtractCommand, AnEmptyShardWritesAnEmptyFileSoAJobArrayWiderThanTheInputsSucceeds) {
  test::TempDir dir;
  make_dataset(dir / "data", 1);  // 2 files over 8 shards: at least 6 shards are empty
  ASSERT_EQ(mirkit({"extract", (dir / "data").string(), "-c", kMfcc, "-o",
                    (dir / "all.safetensors").string()})
                .exit_code,
            0);
  std::vector<std::string> merge = {"merge"};
  std::size_t empty = 0;
  for (int shard = 0; shard < 8; ++shard) {
    const std::string out = (dir / ("part" + std::to_string(shard) + ".safetensors")).string();
    const auto result = mirkit({"extract", (dir / "data").string(), "-c", kMfcc, "-o", out,
                                "--shard", std::to_string(shard) + "/8"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    if (read(out).items.empty()) ++empty;
    merge.push_back(out);
  }
  EXPECT_GE(empty, 6u);
  merge.insert(merge.end(), {"-o", (dir / "merged.safetensors").string()});
  ASSERT_EQ(mirkit(merge).exit_code, 0);
  EXPECT_EQ(read_all(dir / "all.safetensors"), read_all(dir / "merged.safetensors"));
}

TEST(ExtractCommand, ShardDefaultsFromTheSlurmArrayEnvironment) {
  test::TempDir dir;
  make_dataset(dir / "data", 3);
  const std::string data = (dir / "data").string();
  ASSERT_EQ(mirkit({"extract", data, "-c", kMfcc, "-o", (dir / "a.safetensors").string(), "--shard",
                    "1/2"})
                .exit_code,
            0);
  const std::string env = "SLURM_ARRAY_TASK_ID=2 SLURM_ARRAY_TASK_MIN=1 SLURM_ARRAY_TASK_COUNT=2";
  const int status = std::system((env + " " + MIRKIT_BINARY + " -q extract '" + data + "' -c '" +
                                  kMfcc + "' -o '" + (dir / "b.safetensors").string() + "'")
                                     .c_str());
  ASSERT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(read_all(dir / "a.safetensors"), read_all(dir / "b.safetensors"));
}

TEST(ExtractCommand, AFolderSymlinkLoopIsHarmless) {
  test::TempDir dir;
  make_dataset(dir / "data", 1);
  fs::create_directory_symlink(dir / "data", dir / "data" / "low" / "loop");
  const auto result = mirkit(
      {"extract", (dir / "data").string(), "-c", kMfcc, "-o", (dir / "f.safetensors").string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(read(dir / "f.safetensors").items.size(), 2u);
}

TEST(ExtractCommand, TextureWindowsGiveSegmentsWithOffsets) {
  test::TempDir dir;
  make_dataset(dir / "data", 1, 2.0);
  test::write_bytes(
      dir / "c.json",
      R"({"features": [{"name": "rms"}, {"name": "zcr"}],)"
      R"( "pooling": {"stats": ["mean"], "texture_window_s": 0.5, "texture_hop_s": 0.25}})");
  const auto result = mirkit({"extract", (dir / "data").string(), "-c", (dir / "c.json").string(),
                              "-o", (dir / "f.safetensors").string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const pipeline::FeatureFile file = read(dir / "f.safetensors");
  EXPECT_EQ(file.layout, pipeline::FeatureLayout::segments);
  ASSERT_EQ(file.offsets.size(), 3u);
  // 2 s at hop 512 is 87 frames; windows of 22 frames every 11: (87 − 22) / 11 + 1 = 6.
  EXPECT_EQ(file.offsets[1], 6);
  EXPECT_EQ(file.offsets[2], 12);
  EXPECT_EQ(file.names, (std::vector<std::string>{"rms_mean", "zcr_mean"}));
}

TEST(ExtractCommand, ASecondRunOnTheSameOutputStopsAtTheLock) {
  test::TempDir dir;
  make_dataset(dir / "data", 1);
  const fs::path out = dir / "f.safetensors";
  // Another run holds the lock (as a cron job that outlasted its interval would).
  const int fd = ::open((out.string() + ".lock").c_str(), O_RDWR | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  const auto result = mirkit({"extract", (dir / "data").string(), "-c", kMfcc, "-o", out.string()});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_NE(result.err.find("another mirkit run holds this lock"), std::string::npos) << result.err;
  EXPECT_FALSE(fs::exists(out));
  ::close(fd);
  EXPECT_EQ(mirkit({"extract", (dir / "data").string(), "-c", kMfcc, "-o", out.string()}).exit_code,
            0);
}

TEST(ExtractCommand, AProgressLineOnATerminalAndNoneOtherwise) {
  test::TempDir dir;
  make_dataset(dir / "data", 2);
  const std::string out = (dir / "f.safetensors").string();
  // Not a terminal (as under cron): nothing but the summary line.
  const auto quiet = mirkit({"extract", (dir / "data").string(), "-c", kMfcc, "-o", out});
  ASSERT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_EQ(quiet.err.find("files/s"), std::string::npos) << quiet.err;
  // On a terminal (util-linux script(1) gives the run a pseudo-terminal).
  if (std::system("command -v script >/dev/null 2>&1") != 0) GTEST_SKIP() << "script(1) missing";
  const std::string command = std::string("script -qec \"") + MIRKIT_BINARY + " extract '" +
                              (dir / "data").string() + "' -c '" + kMfcc + "' -o '" + out +
                              "'\" /dev/null";
  const auto shown = test::run_program("/bin/sh", {"-c", command});
  EXPECT_EQ(shown.exit_code, 0) << shown.out;
  EXPECT_NE(shown.out.find("4/4 files"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("files/s"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("audio-h/s"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("ETA"), std::string::npos) << shown.out;
}

TEST(MergeCommand, RefusesFilesOfDifferentConfigsNamingBothHashes) {
  test::TempDir dir;
  make_dataset(dir / "data", 1);
  ASSERT_EQ(mirkit({"extract", (dir / "data").string(), "-c", kMfcc, "-o",
                    (dir / "a.safetensors").string()})
                .exit_code,
            0);
  ASSERT_EQ(mirkit({"extract", (dir / "data").string(), "-c", kGtzan, "-o",
                    (dir / "b.safetensors").string()})
                .exit_code,
            0);
  const auto result =
      mirkit({"merge", (dir / "a.safetensors").string(), (dir / "b.safetensors").string(), "-o",
              (dir / "c.safetensors").string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find(read(dir / "a.safetensors").config_hash), std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find(read(dir / "b.safetensors").config_hash), std::string::npos)
      << result.err;
  EXPECT_FALSE(fs::exists(dir / "c.safetensors"));
}

TEST(ExtractCommand, UpdateExtractsOnlyNewFilesAndMatchesAFreshRun) {
  test::TempDir dir;
  make_dataset(dir / "data", 3);
  const std::string out = (dir / "f.safetensors").string();
  ASSERT_EQ(mirkit({"extract", (dir / "data").string(), "-c", kMfcc, "-o", out}).exit_code, 0);
  make_dataset(dir / "data", 1, 1.0, /*first_clip=*/7);  // one new clip per class
  const auto update = mirkit({"extract", (dir / "data").string(), "-c", kMfcc, "-o", out, "-u"});
  ASSERT_EQ(update.exit_code, 0) << update.err;
  EXPECT_NE(update.err.find("(2 extracted, 6 unchanged)"), std::string::npos) << update.err;
  ASSERT_EQ(mirkit({"extract", (dir / "data").string(), "-c", kMfcc, "-o",
                    (dir / "fresh.safetensors").string()})
                .exit_code,
            0);
  EXPECT_EQ(read_all(out), read_all(dir / "fresh.safetensors"));

  // A changed file (new content, so new size or mtime) is analysed again; with --hash the key
  // is the content.
  make_dataset(dir / "data", 1, 1.5, /*first_clip=*/7);
  const auto changed = mirkit({"extract", (dir / "data").string(), "-c", kMfcc, "-o", out, "-u"});
  EXPECT_NE(changed.err.find("(2 extracted, 6 unchanged)"), std::string::npos) << changed.err;
  ASSERT_EQ(
      mirkit({"extract", (dir / "data").string(), "-c", kMfcc, "-o", out, "--hash"}).exit_code, 0);
  fs::last_write_time(
      dir / "data" / "low" / "low.000.wav",
      fs::last_write_time(dir / "data" / "low" / "low.000.wav") + std::chrono::hours(1));
  const auto touched =
      mirkit({"extract", (dir / "data").string(), "-c", kMfcc, "-o", out, "-u", "--hash"});
  EXPECT_NE(touched.err.find("(0 extracted, 8 unchanged)"), std::string::npos) << touched.err;
}

TEST(ExtractCommand, UpdateRefusesAFileOfAnotherConfig) {
  test::TempDir dir;
  make_dataset(dir / "data", 1);
  const std::string out = (dir / "f.safetensors").string();
  ASSERT_EQ(mirkit({"extract", (dir / "data").string(), "-c", kMfcc, "-o", out}).exit_code, 0);
  const auto result = mirkit({"extract", (dir / "data").string(), "-c", kGtzan, "-o", out, "-u"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("config hash"), std::string::npos) << result.err;
}

TEST(ExtractCommand, KillNineThenResumeGivesTheSameBytes) {
  test::TempDir dir;
  make_dataset(dir / "data", 40, 2.0);
  const std::string full = std::string(MIRKIT_CONFIG_DIR) + "/features/full.json";
  ASSERT_EQ(mirkit({"extract", (dir / "data").string(), "-c", full, "-o",
                    (dir / "whole.safetensors").string()})
                .exit_code,
            0);

  const fs::path out = dir / "f.safetensors";
  const fs::path journal = dir / "f.safetensors.journal";
  const pid_t pid = test::spawn_mirkit({"extract", (dir / "data").string(), "-c", full, "-o",
                                        out.string(), "--checkpoint-seconds", "0"},
                                       dir / "first.log");
  ASSERT_GT(pid, 0);
  // Kill it once a few inputs are checkpointed (the header record is some 60 bytes).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::error_code code;
  while (std::chrono::steady_clock::now() < deadline &&
         !(fs::exists(journal, code) && fs::file_size(journal, code) > 20000)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the run ended before it could be killed: make it longer";
  ASSERT_FALSE(fs::exists(out));
  ASSERT_TRUE(fs::exists(journal));

  const auto resumed =
      mirkit({"extract", (dir / "data").string(), "-c", full, "-o", out.string(), "--resume"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("from the checkpoint"), std::string::npos) << resumed.err;
  EXPECT_EQ(read_all(out), read_all(dir / "whole.safetensors"));
  EXPECT_FALSE(fs::exists(journal));
}

// A file of several pieces (over 95 s) between short ones: its frames go to the checkpoint as
// they are computed and from there to the feature file, whose rows are those the library gives
// for the file, bit for bit, on 1 and 2 threads.
TEST(ExtractCommand, ALongFilesFramesStreamThroughTheCheckpointIntoTheFile) {
  test::TempDir dir;
  make_dataset(dir / "data", 1, 2.0);
  std::vector<float> long_tone = test::sine(440.0, 22050, 22050 * 200, 0.3);
  const std::vector<float> quiet = test::sine(3000.0, 22050, long_tone.size(), 0.001);
  for (std::size_t n = 0; n < long_tone.size() / 2; ++n)
    long_tone[n] = quiet[n];  // a quiet first half: decibels clip from the whole file's peak
  test::write_audio(dir / "data" / "low" / "low.long.wav", long_tone, 22050, 1);
  const std::string recipe = std::string(MIRKIT_CONFIG_DIR) + "/features/logmel-patches.json";
  features::FeatureExtractor extractor = features::FeatureExtractor::from_file(recipe);
  const dsp::Matrix expected =
      extractor.analyse_file(dir / "data" / "low" / "low.long.wav", extractor.load_options()).rows;
  for (const char* threads : {"1", "2"}) {
    SCOPED_TRACE(threads);
    const fs::path out = dir / (std::string("f") + threads + ".safetensors");
    const auto run = mirkit(
        {"extract", (dir / "data").string(), "-c", recipe, "-o", out.string(), "-j", threads});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    const pipeline::FeatureFile file = read(out);
    ASSERT_EQ(file.items.size(), 3u);
    const auto long_item = std::find_if(file.items.begin(), file.items.end(), [](const auto& item) {
      return item.path.ends_with("low.long.wav");
    });
    ASSERT_NE(long_item, file.items.end());
    EXPECT_EQ(file.rows_of(static_cast<std::size_t>(long_item - file.items.begin())), expected);
    EXPECT_FALSE(fs::exists(fs::path(out.string() + ".journal")));
  }
  EXPECT_EQ(read_all(dir / "f1.safetensors"), read_all(dir / "f2.safetensors"));
}

// Killed while a long file's frames stream into the checkpoint, a run resumed gives the bytes of
// an uninterrupted one: the rows the killed run streamed for that file are not taken for the new
// run's (which analyses the file again).
TEST(ExtractCommand, KillNineInsideALongFileThenResumeGivesTheSameBytes) {
  test::TempDir dir;
  make_dataset(dir / "data", 1, 2.0);
  const std::vector<float> long_tone = test::sine(440.0, 22050, 22050 * 400, 0.3);
  test::write_audio(dir / "data" / "low" / "low.long.wav", long_tone, 22050, 1);
  const std::string recipe = std::string(MIRKIT_CONFIG_DIR) + "/features/logmel-patches.json";
  ASSERT_EQ(mirkit({"extract", (dir / "data").string(), "-c", recipe, "-o",
                    (dir / "whole.safetensors").string()})
                .exit_code,
            0);
  const fs::path out = dir / "f.safetensors";
  const fs::path journal = dir / "f.safetensors.journal";
  const pid_t pid = test::spawn_mirkit({"extract", (dir / "data").string(), "-c", recipe, "-o",
                                        out.string(), "-j", "1", "--checkpoint-seconds", "0"},
                                       dir / "first.log");
  ASSERT_GT(pid, 0);
  // The long file's 17,000 frames are 8.8 MB: kill once a few of its pieces are written out.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::error_code code;
  while (std::chrono::steady_clock::now() < deadline &&
         !(fs::exists(journal, code) && fs::file_size(journal, code) > 3'000'000)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the run ended before it could be killed";
  ASSERT_FALSE(fs::exists(out));

  const auto resumed =
      mirkit({"extract", (dir / "data").string(), "-c", recipe, "-o", out.string(), "--resume"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(read_all(out), read_all(dir / "whole.safetensors"));
  EXPECT_FALSE(fs::exists(journal));
}

TEST(ExtractCommand, ResumeRefusesACheckpointOfAnotherRun) {
  test::TempDir dir;
  make_dataset(dir / "data", 1);
  test::write_bytes(dir / "f.safetensors.journal", std::string(40, '\0'));
  const auto result = mirkit({"extract", (dir / "data").string(), "-c", kMfcc, "-o",
                              (dir / "f.safetensors").string(), "--resume"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("not a mirkit checkpoint"), std::string::npos) << result.err;
}

TEST(SplitCommand, KeepsGroupsApartAndIsSeeded) {
  test::TempDir dir;
  make_dataset(dir / "data", 4);
  std::string manifest = "path,label,group\n";
  for (const char* cls : {"low", "high"})
    for (int i = 0; i < 4; ++i)
      manifest += std::string(cls) + "/" + cls + ".00" + std::to_string(i) + ".wav," + cls +
                  ",album" + std::to_string(i / 2) + cls + "\n";
  test::write_bytes(dir / "data" / "m.csv", manifest);
  ASSERT_EQ(mirkit({"extract", (dir / "data" / "m.csv").string(), "-c", kMfcc, "-o",
                    (dir / "f.safetensors").string()})
                .exit_code,
            0);
  for (int run = 0; run < 2; ++run) {
    const std::string suffix = std::to_string(run);
    const auto result =
        mirkit({"split", (dir / "f.safetensors").string(), "--test", "0.5", "--group-by", "group",
                "--stratify", "--seed", "5", "-o", (dir / ("tr" + suffix)).string(),
                (dir / ("te" + suffix)).string()});
    ASSERT_EQ(result.exit_code, 0) << result.err;
  }
  EXPECT_EQ(read_all(dir / "te0"), read_all(dir / "te1"));
  const pipeline::FeatureFile train = read(dir / "tr0");
  const pipeline::FeatureFile test = read(dir / "te0");
  EXPECT_EQ(train.items.size() + test.items.size(), 8u);
  std::set<std::string> train_groups;
  for (const auto& item : train.items)
    train_groups.insert(item.group);
  for (const auto& item : test.items)
    EXPECT_EQ(train_groups.count(item.group), 0u) << item.group;
  EXPECT_EQ(test.classes(), (std::vector<std::string>{"high", "low"})) << "stratified";
}

// A data set's own split, as its manifest gives it: carried into the feature file, honoured by
// split --by-column, never trained on (a model trained on the whole file is the model of its
// train and validation items: the same data hash), and the only items evaluate scores.
TEST(SplitCommand, TheManifestsSplitColumnIsHonouredFromExtractToEvaluate) {
  test::TempDir dir;
  make_dataset(dir / "data", 4);
  std::string manifest = "path,label,split,artist\n";
  for (const char* cls : {"low", "high"}) {
    for (int i = 0; i < 4; ++i) {
      const std::string path = std::string(cls) + "/" + cls + ".00" + std::to_string(i) + ".wav";
      const char* split = i < 2 ? "train" : i == 2 ? "Validation" : "test";
      manifest += path + "," + cls + "," + split + ",someone\n";
    }
  }
  test::write_bytes(dir / "data" / "m.csv", manifest);
  const fs::path features = dir / "f.safetensors";
  auto result = mirkit({"extract", (dir / "data" / "m.csv").string(), "-c", kMfcc, "-o",
                        features.string(), "--root", (dir / "data").string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const pipeline::FeatureFile file = read(features);
  ASSERT_EQ(file.items.size(), 8u);
  EXPECT_EQ(file.items[2].split, "validation") << "names are canonical";
  EXPECT_EQ(file.items[3].split, "test");
  const auto described = mirkit({"info", features.string()});
  ASSERT_EQ(described.exit_code, 0) << described.err;
  EXPECT_EQ(Json::parse(described.out)["splits"],
            Json({{"test", 2}, {"train", 4}, {"validation", 2}}))
      << described.out;

  result = mirkit({"split", features.string(), "--by-column", "split", "-o",
                   (dir / "tr.safetensors").string(), (dir / "te.safetensors").string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(read(dir / "tr.safetensors").items.size(), 6u);
  const pipeline::FeatureFile test_part = read(dir / "te.safetensors");
  ASSERT_EQ(test_part.items.size(), 2u);
  for (const auto& item : test_part.items)
    EXPECT_EQ(item.split, "test") << item.path;
  EXPECT_EQ(mirkit({"split", features.string(), "--by-column", "split", "--seed", "3", "-o",
                    (dir / "a").string(), (dir / "b").string()})
                .exit_code,
            2)
      << "--by-column takes no --seed";

  const fs::path whole = dir / "whole.safetensors", part = dir / "part.safetensors";
  result = mirkit({"train", features.string(), "-m", "knn", "--set", "k=3", "-o", whole.string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("training on the 6 train and validation items; the 2 test items"),
            std::string::npos)
      << result.err;
  ASSERT_EQ(mirkit({"train", (dir / "tr.safetensors").string(), "-m", "knn", "--set", "k=3", "-o",
                    part.string()})
                .exit_code,
            0);
  const pipeline::ModelFile trained = pipeline::read_model_file(whole);
  EXPECT_EQ(trained.training["items"], 6);
  EXPECT_EQ(trained.data_hash, pipeline::read_model_file(part).data_hash)
      << "a test item was trained on";

  result = mirkit({"evaluate", whole.string(), features.string(), "-o", "-"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("scoring the 2 of 8 items of the test split"), std::string::npos)
      << result.err;
  EXPECT_EQ(Json::parse(result.out)["items"], 2) << result.out;
}

TEST(ExportCommand, WritesCsvNpyAndArff) {
  test::TempDir dir;
  make_dataset(dir / "data", 1);
  const std::string in = (dir / "f.safetensors").string();
  ASSERT_EQ(mirkit({"extract", (dir / "data").string(), "-c", kMfcc, "-o", in}).exit_code, 0);
  const pipeline::FeatureFile file = read(in);
  ASSERT_EQ(mirkit({"export", in, "--format", "csv", "-o", (dir / "f.csv").string()}).exit_code, 0);
  const auto csv = test::split_lines(read_all(dir / "f.csv"));
  ASSERT_EQ(csv.size(), 3u);
  EXPECT_EQ(csv[0].rfind("path,label,group,mfcc_01_mean,", 0), 0u);
  // The shortest round-trip text: reading the first value back gives the same float.
  const std::string first = csv[1].substr(csv[1].find(",,") + 2);
  EXPECT_EQ(std::stof(first.substr(0, first.find(','))), file.values(0, 0));

  ASSERT_EQ(mirkit({"export", in, "--format", "npy", "-o", (dir / "f.npy").string()}).exit_code, 0);
  const std::string npy = read_all(dir / "f.npy");
  EXPECT_EQ(npy.substr(0, 6), "\x93NUMPY");
  EXPECT_NE(npy.find("'shape': (2, 120)"), std::string::npos);
  EXPECT_EQ(npy.size() % 4, (128 + 2 * 120 * 4) % 4);

  ASSERT_EQ(mirkit({"export", in, "--format", "arff", "-o", (dir / "f.arff").string()}).exit_code,
            0);
  const std::string arff = read_all(dir / "f.arff");
  EXPECT_NE(arff.find("@attribute class {'high','low'}"), std::string::npos);
  EXPECT_NE(arff.find("@data"), std::string::npos);

  EXPECT_EQ(mirkit({"export", (dir / "f.csv").string(), "--format", "csv", "-o",
                    (dir / "g.csv").string()})
                .exit_code,
            2);
}

}  // namespace
}  // namespace mirkit
