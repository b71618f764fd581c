// The bad-input suite (issue 9): every kind of broken, odd or hostile input a batch over a real
// archive meets, made here on the spot. Each must give a result or a one-line error naming the
// file; the batch must finish, with the exit codes of DESIGN.md, and lose no finished result.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "cli_support.hpp"
#include "mirkit/core/json.hpp"
#include "mirkit/pipeline/feature_file.hpp"
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

template <typename T>
void put(std::string& out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));  // little-endian, as RIFF wants (x86, ARM)
  out.append(bytes, sizeof(T));
}

// A 32-bit float WAV written byte by byte, so that its header can claim what libsndfile's writer
// would refuse to: any rate, any channel count, more frames than it holds.
void write_float_wav(const fs::path& path, int rate, int channels,
                     const std::vector<float>& interleaved, std::uint32_t claimed_data_bytes = 0) {
  const auto data_bytes = static_cast<std::uint32_t>(interleaved.size() * sizeof(float));
  const std::uint32_t claimed = claimed_data_bytes ? claimed_data_bytes : data_bytes;
  const auto block = static_cast<std::uint16_t>(channels * 4);
  std::string out = "RIFF";
  put<std::uint32_t>(out, 36 + claimed);
  out += "WAVEfmt ";
  put<std::uint32_t>(out, 16);
  put<std::uint16_t>(out, 3);  // IEEE float
  put<std::uint16_t>(out, static_cast<std::uint16_t>(channels));
  put<std::uint32_t>(out, static_cast<std::uint32_t>(rate));
  put<std::uint32_t>(out, static_cast<std::uint32_t>(rate) * block);
  put<std::uint16_t>(out, block);
  put<std::uint16_t>(out, 32);
  out += "data";
  put<std::uint32_t>(out, claimed);
  out.append(reinterpret_cast<const char*>(interleaved.data()), data_bytes);
  test::write_bytes(path, out);
}

enum class Expect { result, error, either };

// Every case in one folder; what each must give.
std::map<std::string, Expect> make_bad_inputs(const fs::path& dir) {
  std::map<std::string, Expect> cases;
  fs::create_directories(dir);
  const std::vector<float> tone = test::sine(440.0, 22050, 22050, 0.5);
  const auto add = [&](const std::string& name, Expect expect) { cases[name] = expect; };

  test::write_audio(dir / "good.wav", tone, 22050, 1);
  add("good.wav", Expect::result);

  // Every format: empty, cut short (mid-data and inside the header), and random bytes.
  const std::vector<std::pair<std::string, test::FileFormat>> formats = {
      {"wav", test::FileFormat::wav_pcm16}, {"aiff", test::FileFormat::aiff_pcm16},
      {"flac", test::FileFormat::flac},     {"ogg", test::FileFormat::ogg_vorbis},
      {"opus", test::FileFormat::ogg_opus}, {"mp3", test::FileFormat::mp3}};
  std::mt19937 rng(3);
  for (const auto& [extension, format] : formats) {
    test::write_bytes(dir / ("empty." + extension), "");
    add("empty." + extension, Expect::error);
    const fs::path whole = dir / ("whole." + extension);
    if (format == test::FileFormat::ogg_opus) {  // Opus takes 48 kHz (among a few rates)
      test::write_audio(whole, test::sine(440.0, 48000, 48000, 0.5), 48000, 1, format);
    } else {
      test::write_audio(whole, tone, 22050, 1, format);
    }
    const std::string bytes = read_all(whole);
    fs::remove(whole);
    test::write_bytes(dir / ("half." + extension), bytes.substr(0, bytes.size() / 2));
    add("half." + extension, Expect::either);  // a decoder may give the first half
    test::write_bytes(dir / ("header." + extension), bytes.substr(0, 20));
    add("header." + extension, Expect::error);
    std::string noise(4000, '\0');
    for (char& c : noise)
      c = static_cast<char>(rng());
    test::write_bytes(dir / ("random." + extension), noise);
    add("random." + extension, Expect::error);
  }

  // Headers that lie or stretch the limits.
  write_float_wav(dir / "claims-2^31-frames.wav", 22050, 1, tone, 0x7FFFFFF0u);
  add("claims-2^31-frames.wav", Expect::either);
  write_float_wav(dir / "rate-0hz.wav", 0, 1, tone);
  add("rate-0hz.wav", Expect::error);
  write_float_wav(dir / "rate-1hz.wav", 1, 1, std::vector<float>(tone.begin(), tone.begin() + 50));
  add("rate-1hz.wav", Expect::error);
  write_float_wav(dir / "rate-768khz.wav", 768000, 1, test::sine(1000.0, 768000, 768000, 0.5));
  add("rate-768khz.wav", Expect::result);
  write_float_wav(dir / "one-sample.wav", 22050, 1, {0.25f});
  add("one-sample.wav", Expect::result);
  std::vector<float> wide;
  for (const float s : tone)
    wide.insert(wide.end(), 64, s);
  write_float_wav(dir / "64-channels.wav", 22050, 64, wide);
  add("64-channels.wav", Expect::result);

  // Sample values: NaN and Inf are refused with their place; the rest are analysed.
  std::vector<float> x = tone;
  x[100] = std::numeric_limits<float>::quiet_NaN();
  write_float_wav(dir / "nan.wav", 22050, 1, x);
  add("nan.wav", Expect::error);
  x[100] = std::numeric_limits<float>::infinity();
  write_float_wav(dir / "inf.wav", 22050, 1, x);
  add("inf.wav", Expect::error);
  write_float_wav(dir / "denormal.wav", 22050, 1, std::vector<float>(22050, 1e-40f));
  add("denormal.wav", Expect::result);
  write_float_wav(dir / "silence.wav", 22050, 1, std::vector<float>(22050, 0.0f));
  add("silence.wav", Expect::result);
  write_float_wav(dir / "dc.wav", 22050, 1, std::vector<float>(22050, 0.5f));
  add("dc.wav", Expect::result);
  std::vector<float> clipped = tone;
  for (float& s : clipped)
    s = s >= 0.0f ? 1.0f : -1.0f;
  write_float_wav(dir / "full-scale-square.wav", 22050, 1, clipped);
  add("full-scale-square.wav", Expect::result);

  // Names: Latin-1 bytes (not UTF-8) and the longest a file system takes (255 bytes).
  const std::string latin1 = "caf\xE9-\xFF.wav";
  test::write_audio(dir / latin1, tone, 22050, 1);
  add(latin1, Expect::result);
  const std::string longest = std::string(251, 'n') + ".wav";
  test::write_audio(dir / longest, tone, 22050, 1);
  add(longest, Expect::result);
  return cases;
}

// The recorded form of a name: bytes that are not UTF-8 written as \xHH.
std::string recorded(const std::string& name) {
  return name == "caf\xE9-\xFF.wav" ? "caf\\xE9-\\xFF.wav" : name;
}

TEST(BadInput, EachGetsAResultOrAOneLineErrorAndTheBatchFinishes) {
  test::TempDir dir;
  const std::map<std::string, Expect> cases = make_bad_inputs(dir / "in");
  const fs::path out = dir / "out" / "f.safetensors";
  fs::create_directories(dir / "out");
  const auto result = mirkit({"extract", (dir / "in").string(), "-c", kGtzan, "-o", out.string(),
                              "-j", "2", "--root", (dir / "in").string(), "--no-labels"});
  ASSERT_EQ(result.exit_code, 1) << "some inputs failed, the rest were written\n" << result.err;

  const pipeline::FeatureFile file = pipeline::read_feature_file(out);
  std::map<std::string, std::string> outcome;  // recorded name → "result" or the error line
  for (std::size_t i = 0; i < file.items.size(); ++i) {
    outcome[file.items[i].path] = "result";
    EXPECT_TRUE(file.rows_of(i).allFinite()) << file.items[i].path;
  }
  const std::vector<std::string> errors =
      test::split_lines(read_all(dir / "out" / "f.safetensors.errors.jsonl"));
  for (const std::string& line : errors) {
    const Json entry = Json::parse(line);  // valid JSON (and so UTF-8) whatever the name
    const std::string path = entry["path"].get<std::string>();
    EXPECT_FALSE(outcome.count(path)) << path << " is both a result and an error";
    const std::string message = entry["error"].get<std::string>();
    EXPECT_FALSE(message.empty()) << path;
    EXPECT_EQ(message.find('\n'), std::string::npos) << "one line: " << message;
    outcome[path] = "error: " + message;
  }
  for (const auto& [name, expect] : cases) {
    SCOPED_TRACE(name);
    const auto it = outcome.find(recorded(name));
    ASSERT_NE(it, outcome.end()) << "every input is accounted for";
    if (expect == Expect::result) {
      EXPECT_EQ(it->second, "result");
    }
    if (expect == Expect::error) {
      EXPECT_NE(it->second, "result");
      EXPECT_NE(result.err.find(name.substr(0, 40)), std::string::npos)
          << "stderr names the failed file";
    }
  }
  EXPECT_EQ(outcome.size(), cases.size());
}

TEST(BadInput, PredictLabelsWhatItCanAndLogsTheRest) {
  test::TempDir dir;
  const std::map<std::string, Expect> cases = make_bad_inputs(dir / "in");
  // A two-class model of tones.
  for (const char* label : {"low", "high"}) {
    fs::create_directories(dir / "train" / label);
    for (int i = 0; i < 3; ++i) {
      const double f = (std::string(label) == "low" ? 200.0 : 3000.0) * (1 + 0.05 * i);
      test::write_audio(dir / "train" / label / (std::to_string(i) + ".wav"),
                        test::sine(f, 22050, 22050, 0.4), 22050, 1);
    }
  }
  const fs::path features = dir / "train.safetensors", model = dir / "model.safetensors";
  ASSERT_EQ(mirkit({"extract", (dir / "train").string(), "-c", kGtzan, "-o", features.string()})
                .exit_code,
            0);
  ASSERT_EQ(mirkit({"train", features.string(), "-m", "knn", "-o", model.string()}).exit_code, 0);
  const fs::path labels = dir / "labels.jsonl";
  const auto result = mirkit({"predict", model.string(), (dir / "in").string(), "-o",
                              labels.string(), "-j", "2", "--root", (dir / "in").string()});
  ASSERT_EQ(result.exit_code, 1) << result.err;
  std::set<std::string> labelled, failed;
  for (const std::string& line : test::split_lines(read_all(labels))) {
    const Json row = Json::parse(line);
    labelled.insert(row["path"].get<std::string>());
    for (const auto& [label, p] : row["probabilities"].items())
      EXPECT_TRUE(std::isfinite(p.get<double>())) << line;
  }
  for (const std::string& line : test::split_lines(read_all(dir / "labels.jsonl.errors.jsonl")))
    failed.insert(Json::parse(line)["path"].get<std::string>());
  for (const auto& [name, expect] : cases) {
    SCOPED_TRACE(name);
    const std::string key = recorded(name);
    EXPECT_NE(labelled.count(key), failed.count(key)) << "labelled or logged, once";
    if (expect == Expect::result) {
      EXPECT_TRUE(labelled.count(key));
    }
    if (expect == Expect::error) {
      EXPECT_TRUE(failed.count(key));
    }
  }
}

TEST(BadInput, AFileGoneBeforeItIsReadIsAnErrorForThatFileOnly) {
  // As when a file is deleted between the listing (find … > list) and its turn in the batch.
  test::TempDir dir;
  test::write_audio(dir / "a.wav", test::sine(440.0, 22050, 22050), 22050, 1);
  test::write_audio(dir / "b.wav", test::sine(880.0, 22050, 22050), 22050, 1);
  const std::string list = (dir / "a.wav").string() + "\n" + (dir / "gone.wav").string() + "\n" +
                           (dir / "b.wav").string() + "\n";
  const auto result = mirkit(
      {"extract", "--files-from", "-", "-c", kGtzan, "-o", (dir / "f.safetensors").string()}, list);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("gone.wav"), std::string::npos) << result.err;
  EXPECT_EQ(pipeline::read_feature_file(dir / "f.safetensors").items.size(), 2u);
}

TEST(BadInput, AFileDeletedWhileTheBatchRunsIsAnErrorForThatFileOnly) {
  // A genuine mid-batch deletion: the batch has started (its first file is open, seen through
  // inotify) when the last file of the folder is deleted. With one worker the files are read in
  // order, so the last one has not been opened yet: deterministic, no sleeps.
  test::TempDir dir;
  fs::create_directories(dir / "in");
  for (int i = 0; i < 6; ++i) {
    test::write_audio(dir / "in" / ("clip" + std::to_string(i) + ".wav"),
                      test::sine(200.0 * (i + 1), 22050, 22050), 22050, 1);
  }
  const int watch = inotify_init1(IN_CLOEXEC);
  ASSERT_GE(watch, 0);
  ASSERT_GE(inotify_add_watch(watch, (dir / "in" / "clip0.wav").c_str(), IN_OPEN), 0);
  const fs::path out = dir / "f.safetensors", err = dir / "err.txt";
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const int fd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 2);
    const std::string binary = MIRKIT_BINARY, in = (dir / "in").string(), o = out.string();
    execl(binary.c_str(), "mirkit", "extract", in.c_str(), "-c", kGtzan.c_str(), "-o", o.c_str(),
          "-j", "1", static_cast<char*>(nullptr));
    _exit(127);
  }
  pollfd ready{watch, POLLIN, 0};
  ASSERT_EQ(poll(&ready, 1, 60'000), 1) << "the batch never opened its first file";
  fs::remove(dir / "in" / "clip5.wav");
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  close(watch);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1) << read_all(err);
  EXPECT_NE(read_all(err).find("clip5.wav"), std::string::npos) << read_all(err);
  const pipeline::FeatureFile features = pipeline::read_feature_file(out);
  ASSERT_EQ(features.items.size(), 5u) << "every finished file kept";
  for (const pipeline::FeatureItem& item : features.items)
    EXPECT_EQ(item.path.find("clip5"), std::string::npos);
}

TEST(BadInput, AFullDiskIsAClearErrorAndResumeLosesNothing) {
  // The file size limit (ulimit -f, as a full disk) stops the output's writing: a one-line fatal
  // error (exit 3), no half-written output, and the journal's finished work comes back with
  // --resume once there is room.
  test::TempDir dir;
  fs::create_directories(dir / "in");
  for (int i = 0; i < 6; ++i) {
    test::write_audio(dir / "in" / (std::to_string(i) + ".wav"),
                      test::sine(200.0 * (i + 1), 22050, 22050), 22050, 1);
  }
  const fs::path out = dir / "f.safetensors";
  const std::string command = "ulimit -f 8; exec '" + std::string(MIRKIT_BINARY) + "' extract '" +
                              (dir / "in").string() + "' -c '" + kGtzan + "' -o '" + out.string() +
                              "' --checkpoint-seconds 0";
  const auto limited = test::run_program("/bin/sh", {"-c", command});
  EXPECT_EQ(limited.exit_code, 3) << limited.err;
  EXPECT_EQ(test::split_lines(limited.err).size(), 1u) << limited.err;
  EXPECT_NE(limited.err.find("f.safetensors"), std::string::npos) << limited.err;
  EXPECT_FALSE(fs::exists(out)) << "no half-written output where a finished one is expected";

  const auto resumed =
      mirkit({"extract", (dir / "in").string(), "-c", kGtzan, "-o", out.string(), "--resume"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("6 from the checkpoint"), std::string::npos)
      << "every file analysed before the write failed is kept\n"
      << resumed.err;
  EXPECT_EQ(pipeline::read_feature_file(out).items.size(), 6u);
}

}  // namespace
}  // namespace mirkit
