// mirkit dataset, run as a user runs it on a data set's folder as distributed.
#include <gtest/gtest.h>

#include <map>

#include "cli_support.hpp"
#include "mirkit/io/manifest.hpp"
#include "support/audio_files.hpp"
#include "support/run.hpp"
#include "support/temp_dir.hpp"

namespace mirkit {
namespace {
using test::mirkit;
using test::read_all;
namespace fs = std::filesystem;

const char* const kGenres[] = {"blues", "classical", "country", "disco",  "hiphop",
                               "jazz",  "metal",     "pop",     "reggae", "rock"};

// GTZAN as its archive unpacks (genres/<genre>/<genre>.000NN.wav), each excerpt a few samples;
// jazz.00054.wav is junk (as in a widely shared copy) and blues.00099.wav is missing.
fs::path make_gtzan(const fs::path& root) {
  const std::vector<float> samples(64, 0.1f);
  for (const char* genre : kGenres) {
    fs::create_directories(root / "genres" / genre);
    for (int n = 0; n < 100; ++n) {
      char name[32];
      std::snprintf(name, sizeof name, "%s.%05d.wav", genre, n);
      test::write_audio(root / "genres" / genre / name, samples, 22050, 1);
    }
  }
  test::write_bytes(root / "genres" / "jazz" / "jazz.00054.wav", "not a wav");
  fs::remove(root / "genres" / "blues" / "blues.00099.wav");
  return root;
}

std::map<std::string, int> split_counts(const io::Manifest& manifest) {
  std::map<std::string, int> counts;
  for (const io::ManifestEntry& entry : manifest.entries)
    ++counts[entry.split];
  return counts;
}

TEST(DatasetCommand, GtzanFaultFilteredSplitWithEveryLeftOutFileNoted) {
  test::TempDir dir;
  const fs::path root = make_gtzan(dir / "gtzan");
  const auto result =
      mirkit({"dataset", "gtzan", root.string(), "-o", (dir / "gtzan.csv").string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  // Kereliuk et al. 2015: 443 / 197 / 290, less the unreadable jazz.00054 (train) and the
  // missing blues.00099 (test).
  const io::Manifest manifest = io::read_manifest(dir / "gtzan.csv");
  EXPECT_EQ(split_counts(manifest),
            (std::map<std::string, int>{{"train", 442}, {"validation", 197}, {"test", 289}}));
  EXPECT_TRUE(manifest.ignored.empty());
  // Paths relative to the manifest, which travels with the data; the genre is the label.
  EXPECT_EQ(manifest.entries.front().path, dir / "gtzan" / "genres" / "blues" / "blues.00000.wav");
  EXPECT_EQ(manifest.entries.front().labels, std::vector<std::string>{"blues"});
  const std::string text = read_all(dir / "gtzan.csv");
  EXPECT_NE(text.find("\ngtzan/genres/blues/blues.00029.wav,blues,,train\n"), std::string::npos);
  int notes = 0;
  for (const std::string& line : test::split_lines(text))
    if (line.starts_with("# genres/")) ++notes;
  EXPECT_EQ(notes, 70 + 2) << "the 70 excerpts the split leaves out, and the two bad files";
  EXPECT_TRUE(text.starts_with("# mirkit dataset gtzan, split fault-filtered: 928 items"));
  EXPECT_NE(text.find("# genres/jazz/jazz.00054.wav: unreadable, left out"), std::string::npos);
  EXPECT_NE(text.find("# genres/blues/blues.00099.wav: missing"), std::string::npos);
  EXPECT_NE(
      text.find("# genres/classical/classical.00042.wav: left out by the fault-filtered split"),
      std::string::npos);
  EXPECT_NE(result.err.find("gtzan: 928 items (289 test, 442 train, 197 validation); 72 left out"),
            std::string::npos)
      << result.err;
}

TEST(DatasetCommand, GtzanStratifiedSplitWarnsThatItInflatesAccuracy) {
  test::TempDir dir;
  const fs::path root = make_gtzan(dir / "gtzan");
  const auto result =
      mirkit({"dataset", "gtzan", root.string(), "--split", "stratified", "-o", "-"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("its accuracy is inflated"), std::string::npos) << result.err;
  // On stdout, with absolute paths (no manifest folder to be relative to).
  EXPECT_NE(result.out.find("\n" + (root / "genres" / "rock" / "rock.00099.wav").string()),
            std::string::npos);
  test::write_bytes(dir / "m.csv", result.out);
  EXPECT_EQ(split_counts(io::read_manifest(dir / "m.csv")),
            (std::map<std::string, int>{{"train", 498}, {"validation", 250}, {"test", 250}}));
}

TEST(DatasetCommand, ARootThatIsNotTheDataSetNamesTheFileItExpected) {
  test::TempDir dir;
  fs::create_directories(dir / "music" / "rock");
  const auto result =
      mirkit({"dataset", "gtzan", (dir / "music").string(), "-o", (dir / "m.csv").string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(test::split_lines(result.err).size(), 1u) << result.err;
  EXPECT_NE(result.err.find("does not look like GTZAN: expected " +
                            (dir / "music" / "genres" / "blues" / "blues.00000.wav").string()),
            std::string::npos)
      << result.err;
  EXPECT_FALSE(fs::exists(dir / "m.csv"));

  const fs::path root = make_gtzan(dir / "gtzan");
  const auto bad_split = mirkit(
      {"dataset", "gtzan", root.string(), "--split", "random", "-o", (dir / "m.csv").string()});
  EXPECT_EQ(bad_split.exit_code, 2);
  EXPECT_NE(bad_split.err.find("fault-filtered, stratified"), std::string::npos) << bad_split.err;
  EXPECT_NE(mirkit({"dataset", "gtzann", root.string(), "-o", (dir / "m.csv").string()}).exit_code,
            0);
}

// MagnaTagATune as distributed: annotations_final.csv (tab-separated, quoted) and the clips in
// folders 0 … f. 60 tags: t00 … t49 on clips 0–10, t50 … t59 on clip 11 only, so the 50 most
// frequent are t00 … t49 and clip 11 has none of them. Clip 2 is empty, clip 3 missing.
fs::path make_magnatagatune(const fs::path& root) {
  const std::vector<std::string> paths = {
      "0/artist-album-01-song-0-29.mp3",  "0/artist-album-01-song-29-58.mp3",
      "0/artist-album-02-empty-0-29.mp3", "0/artist-album-03-missing-0-29.mp3",
      "5/other-disc-01-tune-0-29.mp3",    "b/other-disc-02-tune-0-29.mp3",
      "c/third-lp-01-air-0-29.mp3",       "c/third-lp-02-air-0-29.mp3",
      "f/fourth-cd-01-song-0-29.mp3",     "f/fourth-cd-02-song-0-29.mp3",
      "d/fourth-cd-03-song-0-29.mp3",     "d/rare-tags-01-x-0-29.mp3"};
  std::string text = "\"clip_id\"";
  for (int t = 0; t < 60; ++t) {
    char name[16];  // room for any int: GCC checks the whole range
    std::snprintf(name, sizeof name, "t%02d", t);
    text += std::string("\t\"") + name + "\"";
  }
  text += "\t\"mp3_path\"\n";
  for (std::size_t c = 0; c < paths.size(); ++c) {
    text += "\"" + std::to_string(c) + "\"";
    for (int t = 0; t < 60; ++t)
      text += (c < 11) == (t < 50) ? "\t\"1\"" : "\t\"0\"";
    text += "\t\"" + paths[c] + "\"\n";
    if (c == 3) continue;  // missing
    fs::create_directories((root / paths[c]).parent_path());
    test::write_bytes(root / paths[c], c == 2 ? "" : "audio");
  }
  test::write_bytes(root / "annotations_final.csv", text);
  return root;
}

TEST(DatasetCommand, MagnaTagATuneTop50TagsAndTheFolderSplit) {
  test::TempDir dir;
  const fs::path root = make_magnatagatune(dir / "mtat");
  const auto result =
      mirkit({"dataset", "magnatagatune", root.string(), "-o", (dir / "mtat.csv").string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const io::Manifest manifest = io::read_manifest(dir / "mtat.csv");
  // Folders 0–b train, c validation, d–f test; the empty, the missing and the untagged clip out.
  EXPECT_EQ(split_counts(manifest),
            (std::map<std::string, int>{{"train", 4}, {"validation", 2}, {"test", 3}}));
  EXPECT_EQ(manifest.entries.front().labels.size(), 50u);
  EXPECT_EQ(manifest.entries.front().labels.front(), "t00");
  // The segments of one track are one group.
  EXPECT_EQ(manifest.entries[0].group, "artist-album-01-song");
  EXPECT_EQ(manifest.entries[1].group, manifest.entries[0].group);
  EXPECT_NE(manifest.entries[2].group, manifest.entries[0].group);
  const std::string text = read_all(dir / "mtat.csv");
  EXPECT_NE(text.find("\npath,tags,group,split\n"), std::string::npos);
  EXPECT_NE(text.find("# 0/artist-album-02-empty-0-29.mp3: empty (0 bytes), left out"),
            std::string::npos);
  EXPECT_NE(text.find("# 0/artist-album-03-missing-0-29.mp3: missing, left out"),
            std::string::npos);
  EXPECT_NE(text.find("# 1 clip has none of the 50 most frequent tags"), std::string::npos);

  // Every tag: the rare clip comes back, with its own ten.
  const auto all = mirkit({"dataset", "magnatagatune", root.string(), "--tags", "all", "-o",
                           (dir / "all.csv").string()});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  const io::Manifest every = io::read_manifest(dir / "all.csv");
  EXPECT_EQ(every.entries.size(), 10u);
  EXPECT_EQ(every.entries.back().labels.size(), 10u);

  const auto wrong = mirkit(
      {"dataset", "magnatagatune", (dir / "nothing").string(), "-o", (dir / "m.csv").string()});
  EXPECT_EQ(wrong.exit_code, 2);
}

TEST(DatasetCommand, AManifestFolderThatIsNotTheDataSetNamesTheAnnotationsItExpected) {
  test::TempDir dir;
  fs::create_directories(dir / "mtat");
  const auto result =
      mirkit({"dataset", "magnatagatune", (dir / "mtat").string(), "-o", (dir / "m.csv").string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("does not look like MagnaTagATune: expected " +
                            (dir / "mtat" / "annotations_final.csv").string()),
            std::string::npos)
      << result.err;
  EXPECT_NE(mirkit({"dataset", "magnatagatune", (dir / "mtat").string(), "--tags", "top10", "-o",
                    (dir / "m.csv").string()})
                .err.find("--tags top10 is not one of its conventions: top50, all"),
            std::string::npos);
}

}  // namespace
}  // namespace mirkit
