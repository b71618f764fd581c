// mirkit info on every format, and on bad files in the middle of a batch.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "cli_support.hpp"
#include "mirkit/core/json.hpp"
#include "support/audio_files.hpp"
#include "support/run.hpp"
#include "support/signals.hpp"
#include "support/temp_dir.hpp"

namespace mirkit {
namespace {
using test::mirkit;

using test::FileFormat;

TEST(InfoCommand, PrintsOneJsonObjectPerFileForEveryFormat) {
  test::TempDir dir;
  const auto tone = test::sine(440, 48000, 48000, 0.5);
  const std::vector<std::pair<std::string, FileFormat>> files = {
      {"a.wav", FileFormat::wav_pcm16}, {"b.aiff", FileFormat::aiff_pcm16},
      {"c.flac", FileFormat::flac},     {"d.ogg", FileFormat::ogg_vorbis},
      {"e.opus", FileFormat::ogg_opus}, {"f.mp3", FileFormat::mp3}};
  std::vector<std::string> args = {"info"};
  for (const auto& [name, format] : files) {
    test::write_audio(dir / name, tone, 48000, 1, format);
    args.push_back((dir / name).string());
  }
  const auto result = mirkit(args);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  const auto lines = test::split_lines(result.out);
  ASSERT_EQ(lines.size(), files.size());
  const std::vector<std::string> formats = {"WAV", "AIFF", "FLAC", "OGG", "OGG", "MPEG"};
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const Json entry = Json::parse(lines[i]);
    EXPECT_EQ(entry["path"], (dir / files[i].first).string());
    EXPECT_EQ(entry["format"], formats[i]);
    EXPECT_EQ(entry["sample_rate"], 48000);
    EXPECT_EQ(entry["channels"], 1);
    EXPECT_NEAR(entry["duration_s"].get<double>(), 1.0, 0.06) << files[i].first;
    EXPECT_EQ(entry["frames"].get<std::int64_t>() > 0, true);
  }
}

// The batch goes on past every bad file, each named in one error line; exit code 1.
TEST(InfoCommand, BadFilesAreNamedAndTheBatchGoesOn) {
  test::TempDir dir;
  test::write_audio(dir / "good1.wav", test::sine(440, 22050, 2205), 22050, 1);
  test::write_audio(dir / "good2.wav", test::sine(440, 22050, 2205), 22050, 1);
  test::write_bytes(dir / "empty.wav", "");
  test::write_bytes(dir / "random.mp3", std::string(4096, 'Z'));
  std::filesystem::create_directory(dir / "folder.wav");
  auto nan = test::sine(440, 8000, 800);
  nan[100] = std::numeric_limits<float>::quiet_NaN();
  test::write_audio(dir / "nan.wav", nan, 8000, 1, FileFormat::wav_float);

  const std::vector<std::string> names = {"good1.wav", "empty.wav",   "random.mp3", "folder.wav",
                                          "nan.wav",   "missing.wav", "good2.wav"};
  std::string list;
  for (const auto& name : names)
    list += (dir / name).string() + "\n";
  const auto result = mirkit({"info", "--check", "--files-from", "-"}, list);
  EXPECT_EQ(result.exit_code, 1);

  const auto out = test::split_lines(result.out);
  ASSERT_EQ(out.size(), 2u) << result.out;
  EXPECT_EQ(Json::parse(out[0])["path"], (dir / "good1.wav").string());
  EXPECT_EQ(Json::parse(out[1])["path"], (dir / "good2.wav").string());
  EXPECT_EQ(Json::parse(out[1])["decoded_frames"], 2205);

  const auto err = test::split_lines(result.err);
  ASSERT_EQ(err.size(), 5u) << result.err;
  // The folder is found wrong while the inputs are gathered, before any file is read.
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"folder.wav", "is a folder named like an audio file; not scanned"},
      {"empty.wav", "empty file (0 bytes)"},
      {"random.mp3", "cannot decode"},
      {"nan.wav", "non-finite sample (NaN) at frame 100"},
      {"missing.wav", "no such file"}};
  for (std::size_t i = 0; i < err.size(); ++i) {
    EXPECT_EQ(err[i].rfind("mirkit: error: " + (dir / expected[i].first).string() + ": ", 0), 0u)
        << err[i];
    EXPECT_NE(err[i].find(expected[i].second), std::string::npos) << err[i];
  }
}

TEST(InfoCommand, JsonLogFormatGivesOneObjectPerError) {
  test::TempDir dir;
  test::write_bytes(dir / "empty.wav", "");
  const auto result = mirkit({"info", "--log-format", "json", (dir / "empty.wav").string()});
  EXPECT_EQ(result.exit_code, 1);
  const Json event = Json::parse(result.err);
  EXPECT_EQ(event["level"], "error");
  EXPECT_EQ(event["file"], (dir / "empty.wav").string());
  EXPECT_EQ(event["message"], "empty file (0 bytes)");
}

TEST(InfoCommand, ReadsNulSeparatedListsFromStdin) {
  test::TempDir dir;
  const std::string odd = (dir / "name with\nnewline.wav").string();
  test::write_audio(odd, test::sine(440, 22050, 2205), 22050, 1);
  const auto result = mirkit({"info", "--files-from", "-", "--null"}, odd + std::string(1, '\0'));
  EXPECT_EQ(result.exit_code, 0) << result.err;
  const auto lines = test::split_lines(result.out);
  ASSERT_EQ(lines.size(), 1u);  // the newline in the name is escaped inside the JSON string
  EXPECT_EQ(Json::parse(lines[0])["path"], odd);
}

TEST(InfoCommand, ScansFolders) {
  test::TempDir dir;
  std::filesystem::create_directories(dir / "rock");
  std::filesystem::create_directories(dir / "jazz");
  test::write_audio(dir / "rock/r.wav", test::sine(440, 22050, 2205), 22050, 1);
  test::write_audio(dir / "jazz/j.flac", test::sine(440, 22050, 2205), 22050, 1, FileFormat::flac);
  const auto result = mirkit({"info", dir.path().string()});
  EXPECT_EQ(result.exit_code, 0);
  const auto lines = test::split_lines(result.out);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(Json::parse(lines[0])["path"], (dir / "jazz/j.flac").string());
}

TEST(InfoCommand, NonUtf8FileNameStillGivesValidJson) {
  test::TempDir dir;
  const std::string name = (dir / "caf\xe9.wav").string();
  test::write_audio(name, test::sine(440, 22050, 2205), 22050, 1);
  const auto result = mirkit({"info", name});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NO_THROW(Json::parse(result.out));
}

TEST(InfoCommand, NoInputsIsUsageErrorTwo) {
  const auto result = mirkit({"info"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("no inputs"), std::string::npos);
}

}  // namespace
}  // namespace mirkit
