// mirkit predict MODEL -: audio on standard input through a real pipe, labelled as it arrives.
// Rows come out while the stream is still open; each row is exactly what predict gives for a
// file of the same seconds; raw PCM reads like a WAV; and refusals name their cause.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <thread>

#include "cli_support.hpp"
#include "small_network.hpp"
#include "support/temp_dir.hpp"

namespace mirkit {
namespace {
using test::mirkit;
using test::read_all;
namespace fs = std::filesystem;

constexpr int kRate = 22050;

// Writes all of `bytes` to a pipe.
void write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t wrote = ::write(fd, bytes.data(), bytes.size());
    ASSERT_GT(wrote, 0);
    bytes.remove_prefix(static_cast<std::size_t>(wrote));
  }
}

// The rows written so far (header excluded).
std::vector<std::string> rows_of(const fs::path& path) {
  std::vector<std::string> lines = test::split_lines(read_all(path));
  if (!lines.empty()) lines.erase(lines.begin());
  return lines;
}

// The probabilities of a CSV row: what follows its first `keys` columns and the label.
std::string probabilities(const std::string& row, int keys) {
  std::size_t at = 0;
  for (int k = 0; k <= keys; ++k)
    at = row.find(',', at) + 1;
  return row.substr(at);
}

class Stream : public ::testing::Test {
 protected:
  void SetUp() override {
    test::make_tones(dir_ / "train", 5);
    test::write_bytes(dir_ / "mel.json", test::kSmallMel);
    test::write_bytes(dir_ / "cnn.json", test::kSmallCnn);
    const std::string features = (dir_ / "train.safetensors").string();
    ASSERT_EQ(mirkit({"extract", (dir_ / "train").string(), "-c", (dir_ / "mel.json").string(),
                      "-o", features})
                  .exit_code,
              0);
    ASSERT_EQ(
        mirkit({"train", features, "-m", (dir_ / "cnn.json").string(), "-o", model_}).exit_code, 0);
    // Six seconds: high, low, mid, high, low, mid tones of one second each.
    for (int round = 0; round < 2; ++round) {
      for (const double f : {3000.0, 200.0, 900.0}) {
        const std::vector<float> tone = test::sine(f * (1.0 + 0.02 * round), kRate, kRate, 0.3);
        signal_.insert(signal_.end(), tone.begin(), tone.end());
      }
    }
  }

  // The row predict writes with `model` for a file holding signal_[begin, end) (its
  // probabilities).
  std::string file_row(double begin_s, double end_s, const std::string& model) {
    const auto begin = static_cast<std::ptrdiff_t>(std::llround(begin_s * kRate));
    const auto end = static_cast<std::ptrdiff_t>(std::llround(end_s * kRate));
    const fs::path clip = dir_ / "excerpt.wav";
    test::write_audio(clip, std::vector<float>(signal_.begin() + begin, signal_.begin() + end),
                      kRate, 1, test::FileFormat::wav_float);
    const auto r = mirkit({"predict", model, clip.string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return probabilities(test::split_lines(r.out).at(1), 1);
  }

  test::TempDir dir_;
  std::string model_ = (dir_ / "cnn.safetensors").string();
  std::vector<float> signal_;
};

TEST_F(Stream, RowsComeAsTheAudioArrivesAndEqualPredictOnTheSameSeconds) {
  const fs::path wav = dir_ / "stream.wav";
  test::write_audio(wav, signal_, kRate, 1, test::FileFormat::wav_float);
  const std::string bytes = read_all(wav);
  // The first three seconds and 1024 frames more (the decoder waits for a block of 256 frames
  // whole), then the rest: the data ends the file.
  const std::size_t second_half = (3 * kRate - 1024) * sizeof(float);
  const fs::path rows = dir_ / "rows.csv";
  int pipe_fds[2];
  // Close-on-exec: mirkit must hold the read end only, or it would never see the end.
  ASSERT_EQ(::pipe2(pipe_fds, O_CLOEXEC), 0);
  const pid_t pid = test::spawn_mirkit({"predict", model_, "-", "--stream-every", "0.5",
                                        "--stream-history", "1.5", "-o", rows.string()},
                                       dir_ / "stream.log", pipe_fds[0]);
  ::close(pipe_fds[0]);
  write_all(pipe_fds[1], std::string_view(bytes).substr(0, bytes.size() - second_half));
  // The first three seconds give six rows while the stream is still open.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (rows_of(rows).size() < 6 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(rows_of(rows).size(), 6u) << read_all(dir_ / "stream.log");
  EXPECT_EQ(::waitpid(pid, nullptr, WNOHANG), 0) << "it should still be reading";
  write_all(pipe_fds[1], std::string_view(bytes).substr(bytes.size() - second_half));
  ::close(pipe_fds[1]);
  int status = -1;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << read_all(dir_ / "stream.log");

  const std::vector<std::string> lines = test::split_lines(read_all(rows));
  ASSERT_EQ(lines.size(), 13u);
  EXPECT_EQ(lines[0], "start_s,end_s,label,high,low,mid");
  for (int k = 1; k <= 12; ++k) {
    const double end = 0.5 * k, begin = std::max(0.0, end - 1.5);
    const std::string& row = lines[static_cast<std::size_t>(k)];
    char keys[64];
    std::snprintf(keys, sizeof(keys), "%.3f,%.3f,", begin, end);
    ASSERT_EQ(row.rfind(keys, 0), 0u) << row;
    EXPECT_EQ(probabilities(row, 2), file_row(begin, end, model_)) << row;
  }
  // The tone heard last decides the row once the window has moved onto it.
  EXPECT_NE(lines[3].find(",high,"), std::string::npos) << lines[3];   // 0.0–1.5 s: mostly high
  EXPECT_NE(lines[12].find(",mid,"), std::string::npos) << lines[12];  // 4.5–6.0 s: mostly mid
}

// Headerless PCM: 16-bit samples, told by --raw-format and --rate; without --stream-every the
// whole stream is one clip, labelled as a file of it would be.
TEST_F(Stream, RawPcmWithoutStepsIsOneClip) {
  std::string pcm;
  for (const float x : signal_) {
    const auto v = static_cast<std::int16_t>(std::lround(x * 32767.0f));
    pcm.append(reinterpret_cast<const char*>(&v), sizeof(v));
  }
  const auto r = mirkit({"predict", model_, "-", "--raw-format", "s16le", "--rate", "22050"}, pcm);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::string> lines = test::split_lines(r.out);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1].rfind("0.000,6.000,", 0), 0u) << lines[1];
  const fs::path whole = dir_ / "whole.wav";  // the same 16-bit samples, with a header
  test::write_audio(whole, signal_, kRate, 1, test::FileFormat::wav_pcm16);
  const auto file = mirkit({"predict", model_, whole.string()});
  ASSERT_EQ(file.exit_code, 0) << file.err;
  EXPECT_EQ(probabilities(lines[1], 2), probabilities(test::split_lines(file.out).at(1), 1));
}

// A classical model (k-NN on pooled MFCCs) streams the same way: each row pools the last
// seconds as predict pools a file of them.
TEST_F(Stream, ClassicalModelsStreamToo) {
  const std::string features = (dir_ / "mfcc.safetensors").string();
  ASSERT_EQ(mirkit({"extract", (dir_ / "train").string(), "-c",
                    std::string(MIRKIT_CONFIG_DIR) + "/features/mfcc.json", "-o", features})
                .exit_code,
            0);
  const std::string knn = (dir_ / "knn.safetensors").string();
  ASSERT_EQ(mirkit({"train", features, "-m", "knn", "-o", knn}).exit_code, 0);
  const fs::path wav = dir_ / "stream.wav";
  test::write_audio(wav, signal_, kRate, 1, test::FileFormat::wav_float);
  const auto r =
      mirkit({"predict", knn, "-", "--stream-every", "2", "--stream-history", "1"}, read_all(wav));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::string> lines = test::split_lines(r.out);
  ASSERT_EQ(lines.size(), 4u);
  for (int k = 1; k <= 3; ++k) {
    const std::string& row = lines[static_cast<std::size_t>(k)];
    EXPECT_EQ(probabilities(row, 2), file_row(2.0 * k - 1, 2.0 * k, knn)) << row;
  }
  EXPECT_NE(lines[1].find(",low,"), std::string::npos) << lines[1];  // 1–2 s: the low tone
}

TEST_F(Stream, RefusalsNameTheirCause) {
  const auto expect_usage = [&](const std::vector<std::string>& args, const std::string& stdin_text,
                                const std::string& cause) {
    const auto r = mirkit(args, stdin_text);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(cause), std::string::npos) << r.err;
  };
  const std::string clip = (dir_ / "train" / "low" / "low0.wav").string();
  expect_usage({"predict", model_, clip, "--stream-every", "2"}, "", "give '-' as the input");
  expect_usage({"predict", model_, "-", "--raw-format", "s16le"}, "", "--raw-format needs --rate");
  expect_usage({"predict", model_, "-", clip}, "", "is the only input of a stream");
  expect_usage({"predict", model_, "-", "--raw-format", "s16le", "--rate", "22050"}, "",
               "standard input: no audio");
  const auto garbage = mirkit({"predict", model_, "-"}, "this is not audio at all, not at all");
  EXPECT_NE(garbage.exit_code, 0);
  EXPECT_NE(garbage.err.find("standard input"), std::string::npos) << garbage.err;
}

}  // namespace
}  // namespace mirkit
