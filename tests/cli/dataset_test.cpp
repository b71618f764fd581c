// mirkit dataset, run as a user runs it on a data set's folder as distributed.
#include <gtest/gtest.h>

#include <map>

#include "cli_support.hpp"
#include "mirkit/core/json.hpp"
#include "mirkit/io/manifest.hpp"
#include "mirkit/pipeline/feature_file.hpp"
#include "support/audio_files.hpp"
#include "support/msd_files.hpp"
#include "support/run.hpp"
#include "support/signals.hpp"
#include "support/temp_dir.hpp"

namespace mirkit {
namespace {
using test::mirkit;
using test::read_all;
namespace fs = std::filesystem;

const std::string kMfccRecipe = std::string(MIRKIT_CONFIG_DIR) + "/features/mfcc.json";

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

// A data set's manifest through extract → train (k-NN, k = 1) → evaluate, unchanged: training
// takes the train and validation items and leaves the test ones, which alone are scored. The
// evaluation's metrics (null when a stage failed, which the expectations here report).
Json extract_train_evaluate(const fs::path& folder, const fs::path& manifest, int trained,
                            int tested) {
  const fs::path features = folder / "e2e.safetensors", model = folder / "e2e-model.safetensors";
  auto run = mirkit({"extract", manifest.string(), "-c", kMfccRecipe, "-o", features.string()});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  run = mirkit({"train", features.string(), "-m", "knn", "--set", "k=1", "-o", model.string()});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(
      run.err.find("training on the " + std::to_string(trained) +
                   " train and validation items; the " + std::to_string(tested) + " test items"),
      std::string::npos)
      << run.err;
  run = mirkit({"evaluate", model.string(), features.string(), "-o", "-"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  if (run.exit_code != 0) return Json();
  const Json metrics = Json::parse(run.out);
  EXPECT_EQ(metrics["items"], tested);
  return metrics;
}

// FMA as distributed: fma_metadata/tracks.csv (two header rows, then pandas' "track_id" row; an
// artist's bio quoted over several lines), genres.csv, and the clips as fma_small/NNN/NNNNNN.mp3.
// Real MP3s of a low tone (Rock) and a high one (Hip-Hop), so the manifest can be extracted,
// trained on and evaluated. Among them the traps: a corrupt MP3, a missing file, a track listed
// twice, a clip FMA's own issue tracker lists as holding no audio, a track without genre_top, a
// medium-only track, and a genre whose title holds a ';', a ',' and a quote.
struct FmaTrack {
  int id;
  const char* artist;
  const char* split;
  const char* subset;
  const char* genre_top;
  const char* genres_all;
};

fs::path make_fma(const fs::path& root) {
  const FmaTrack tracks[] = {
      {2, "1", "training", "small", "Hip-Hop", "[21]"},
      {3, "1", "training", "small", "Hip-Hop", "[21]"},
      {4, "2", "training", "small", "Rock", "[12]"},
      {5, "2", "training", "small", "Rock", "[12, 99]"},
      {6, "3", "training", "small", "Hip-Hop", "[21]"},
      {7, "4", "training", "small", "Rock", "[12]"},
      {8, "5", "validation", "small", "Rock", "[12]"},
      {9, "5", "validation", "small", "Hip-Hop", "[21]"},
      {10, "6", "test", "small", "Rock", "[12]"},
      {11, "6", "test", "small", "Hip-Hop", "[21]"},
      {12, "7", "test", "small", "Rock", "[12]"},
      {13, "7", "test", "small", "Hip-Hop", "[21]"},
      {14, "8", "test", "small", "", "[12, 21]"},       // two roots: no genre_top
      {15, "8", "training", "medium", "Rock", "[12]"},  // not in small
      {20, "9", "test", "small", "Rock", "[12]"},       // missing
      {21, "9", "test", "small", "Rock", "[12]"},       // corrupt
      {99134, "9", "test", "small", "Rock", "[12]"},    // known to hold no audio
      {4, "2", "training", "small", "Rock", "[12]"},    // listed twice
  };
  std::string csv =
      ",album,artist,artist,set,set,track,track,track\n"
      ",title,bio,id,split,subset,genre_top,genres,genres_all\n"
      "track_id,,,,,,,,\n";
  for (const FmaTrack& t : tracks) {
    csv += std::to_string(t.id) + ",An album,\"A bio, \"\"quoted\"\",\nover two lines\"," +
           t.artist + "," + t.split + "," + t.subset + "," + t.genre_top + ",\"" + t.genres_all +
           "\",\"" + t.genres_all + "\"\n";
  }
  fs::create_directories(root / "fma_metadata");
  test::write_bytes(root / "fma_metadata" / "tracks.csv", csv);
  test::write_bytes(root / "fma_metadata" / "genres.csv",
                    "genre_id,#tracks,parent,title,top_level\n12,3,0,Rock,12\n"
                    "21,3,0,Hip-Hop,21\n99,1,12,\"Odd; genre, \"\"quoted\"\"\",12\n");
  for (const FmaTrack& t : tracks) {
    char name[32];
    std::snprintf(name, sizeof name, "%03d/%06d.mp3", t.id / 1000, t.id);
    const fs::path path = root / "fma_small" / name;
    fs::create_directories(path.parent_path());
    if (t.id == 20) continue;
    if (t.id == 21 || t.id == 99134) {
      test::write_bytes(path, "ID3 but no frames");
      continue;
    }
    const double hz = std::string(t.genre_top) == "Rock" ? 220.0 : 1760.0;
    test::write_audio(path, test::sine(hz + t.id, 22050, 22050), 22050, 1, test::FileFormat::mp3);
  }
  return root;
}

TEST(DatasetCommand, FmaSmallFromTracksCsvThroughExtractTrainAndEvaluate) {
  test::TempDir dir;
  const fs::path root = make_fma(dir / "fma");
  const fs::path manifest_path = dir / "fma.csv";
  auto result = mirkit({"dataset", "fma-small", root.string(), "-o", manifest_path.string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const io::Manifest manifest = io::read_manifest(manifest_path);
  EXPECT_EQ(split_counts(manifest),
            (std::map<std::string, int>{{"train", 6}, {"validation", 2}, {"test", 4}}));
  EXPECT_EQ(manifest.entries.front().labels, std::vector<std::string>{"Hip-Hop"});
  EXPECT_EQ(manifest.entries.front().group, "artist 1");
  const std::string text = read_all(manifest_path);
  for (const char* note :
       {"# 000/000020.mp3: missing, left out", "# 000/000021.mp3: unreadable, left out",
        "# 099/099134.mp3: known to hold no audio (mdeff/fma issue 41), left out",
        "# 000/000004.mp3: track 4 listed twice in tracks.csv, the second row left out",
        "# 1 track has no genre_top"}) {
    EXPECT_NE(text.find(note), std::string::npos) << note << "\n" << text;
  }
  EXPECT_EQ(text.find("000015.mp3"), std::string::npos) << "a medium-only track in small";

  // The manifest goes through extract, train and evaluate unchanged; the test split is only
  // ever scored.
  const Json metrics = extract_train_evaluate(dir.path(), manifest_path, 8, 4);
  EXPECT_EQ(metrics["accuracy"], 1.0) << "a low and a high tone, told apart";

  // genres_all as tags, named by genres.csv; the odd title kept whole.
  result = mirkit({"dataset", "fma-small", root.string(), "--tags", "genres_all", "-o",
                   (dir / "tags.csv").string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const io::Manifest tags = io::read_manifest(dir / "tags.csv");
  ASSERT_EQ(split_counts(tags),
            (std::map<std::string, int>{{"train", 6}, {"validation", 2}, {"test", 5}}));
  const auto with_odd = std::find_if(tags.entries.begin(), tags.entries.end(),
                                     [](const auto& e) { return e.labels.size() == 2; });
  ASSERT_NE(with_odd, tags.entries.end());
  EXPECT_EQ(with_odd->labels, (std::vector<std::string>{"Rock", "Odd, genre, \"quoted\""}));
  EXPECT_NE(read_all(dir / "tags.csv")
                .find("# tag 'Odd; genre, \"quoted\"' written 'Odd, genre, \"quoted\"'"),
            std::string::npos);

  // The medium subset takes the small one's tracks too, from fma_small when that is all there is.
  result = mirkit({"dataset", "fma-medium", root.string(), "-o", (dir / "medium.csv").string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(read_all(dir / "medium.csv").find("# 000/000015.mp3: "), std::string::npos);

  const auto wrong = mirkit({"dataset", "fma-small", dir.path().string(), "-o", "-"});
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_NE(wrong.err.find("does not look like FMA: expected " +
                           (dir / "fma_metadata" / "tracks.csv").string()),
            std::string::npos)
      << wrong.err;
}

// MTG-Jamendo as a clone of its repository holds it (data/splits/split-N/*.tsv: tab-separated,
// one field per tag) beside the audio as its download script unpacks it (NN/<id>.mp3). Traps: a
// track in two split files, a missing clip, a low-quality copy (NN/<id>.low.mp3), a track with
// no tag.
TEST(DatasetCommand, MtgJamendoSplitFilesWithTheArtistAsGroup) {
  test::TempDir dir;
  const fs::path root = dir / "jamendo";
  const fs::path splits = root / "data" / "splits" / "split-0";
  fs::create_directories(splits);
  const std::string header = "TRACK_ID\tARTIST_ID\tALBUM_ID\tPATH\tDURATION\tTAGS\n";
  const auto row = [](int id, int artist, const std::string& tags) {
    char path[32];  // "01/1101.mp3": the id's last two digits name the folder
    std::snprintf(path, sizeof path, "%02d/%d.mp3", id % 100, id);
    return "track_" + std::to_string(id) + "\tartist_" + std::to_string(artist) + "\talbum_1\t" +
           path + "\t212.5" + tags + "\n";
  };
  test::write_bytes(splits / "autotagging_moodtheme-train.tsv",
                    header + row(1101, 7, "\tmood/theme---sad\tmood/theme---film") +
                        row(1102, 7, "\tmood/theme---happy") + row(1103, 8, ""));
  test::write_bytes(splits / "autotagging_moodtheme-validation.tsv",
                    header + row(1204, 9, "\tmood/theme---sad"));
  test::write_bytes(splits / "autotagging_moodtheme-test.tsv",
                    header + row(1305, 10, "\tmood/theme---happy") +
                        row(1306, 10, "\tmood/theme---sad") + row(1101, 7, "\tmood/theme---sad"));
  // Real MP3s: a low tone for "sad", a high one for "happy".
  for (const auto& [file, hz] :
       std::vector<std::pair<std::string, double>>{{"01/1101.mp3", 220},
                                                   {"02/1102.low.mp3", 1760},
                                                   {"03/1103.mp3", 440},
                                                   {"04/1204.mp3", 230},
                                                   {"05/1305.mp3", 1800}}) {
    fs::create_directories((root / "audio" / file).parent_path());
    test::write_audio(root / "audio" / file, test::sine(hz, 22050, 22050), 22050, 1,
                      test::FileFormat::mp3);
  }
  const auto result = mirkit({"dataset", "mtg-jamendo", root.string(), "--tags", "moodtheme", "-o",
                              (dir / "j.csv").string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const io::Manifest manifest = io::read_manifest(dir / "j.csv");
  ASSERT_EQ(split_counts(manifest),
            (std::map<std::string, int>{{"train", 2}, {"validation", 1}, {"test", 1}}));
  EXPECT_EQ(manifest.entries[0].labels,
            (std::vector<std::string>{"mood/theme---sad", "mood/theme---film"}));
  EXPECT_EQ(manifest.entries[0].group, "artist_7");
  EXPECT_EQ(manifest.entries[1].path, root / "audio" / "02" / "1102.low.mp3");
  const std::string text = read_all(dir / "j.csv");
  for (const char* note : {"# 03/1103.mp3: no tag, left out", "# 06/1306.mp3: missing, left out",
                           "# 01/1101.mp3: track_1101 listed twice"}) {
    EXPECT_NE(text.find(note), std::string::npos) << note << "\n" << text;
  }
  // The tags manifest goes through extract, train and evaluate unchanged; the test clip is only
  // scored, and its tag found.
  const Json metrics = extract_train_evaluate(dir.path(), dir / "j.csv", 3, 1);
  EXPECT_EQ(metrics["per_tag"]["mood/theme---happy"]["recall"], 1.0) << metrics.dump();

  const auto other = mirkit({"dataset", "mtg-jamendo", root.string(), "--split", "split-3", "-o",
                             (dir / "k.csv").string()});
  EXPECT_EQ(other.exit_code, 2);
  EXPECT_NE(
      other.err.find(
          "expected " +
          (root / "data" / "splits" / "split-3" / "autotagging_top50tags-train.tsv").string()),
      std::string::npos)
      << other.err;
}

TEST(DatasetCommand, AClipListedTwiceInMagnaTagATuneIsNotedAndCountedOnce) {
  test::TempDir dir;
  const fs::path root = make_magnatagatune(dir / "mtat");
  std::string text = read_all(root / "annotations_final.csv");
  const auto second_line = text.find('\n') + 1;
  const auto third_line = text.find('\n', second_line) + 1;
  text += text.substr(second_line, third_line - second_line);
  test::write_bytes(root / "annotations_final.csv", text);
  const auto result =
      mirkit({"dataset", "magnatagatune", root.string(), "-o", (dir / "mtat.csv").string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(io::read_manifest(dir / "mtat.csv").entries.size(), 9u);
  EXPECT_NE(read_all(dir / "mtat.csv")
                .find("# 0/artist-album-01-song-0-29.mp3: listed twice in annotations_final.csv "
                      "(clip_id 0), the second row left out"),
            std::string::npos);
}

// The Million Song Dataset as distributed: data/A/B/C/<track id>.h5 per track, no audio. Rock
// tracks have a high first timbre coefficient, Rap tracks a low one; two artists each, two tracks
// an artist. Track 9 has no label; one file is not HDF5 at all.
fs::path make_msd(const fs::path& root) {
  std::string labels = "# A genre annotation file: track id, majority genre, minority genre\n";
  for (int t = 1; t <= 9; ++t) {
    char id[64], artist[64];  // room for any int: GCC checks the whole range
    std::snprintf(id, sizeof id, "TRAAAB%02d128F000%03d", t, t);
    std::snprintf(artist, sizeof artist, "AR%016d", (t - 1) / 2);
    const bool rock = t <= 4;
    test::MsdTrack track{id, artist, 4.0, {0.0, 1.0, 2.5}, {}, {}, {}};
    for (int s = 0; s < 3; ++s) {
      for (int c = 0; c < 12; ++c) {
        track.timbre.push_back(c == 0 ? (rock ? 40.0 : -40.0) + 10.0 * s + t : c * 0.5);
        track.pitches.push_back(c == s ? 1.0 : 0.1);
      }
      track.loudness_max.push_back(-10.0 - s);
    }
    test::write_msd_track(root / "data" / "A" / "A" / "B" / (std::string(id) + ".h5"), track);
    if (t < 9)
      labels += std::string(id) + "\t" + (rock ? "Rock" : "Rap") + (t == 1 ? "\tPop" : "") + "\n";
  }
  fs::create_directories(root / "data" / "A" / "A" / "C");
  test::write_bytes(root / "data" / "A" / "A" / "C" / "TRAAACZ128F000999.h5", "not HDF5");
  test::write_bytes(root / "msd_genres.cls", labels);
  return root;
}

TEST(DatasetCommand, MillionSongDatasetHdf5FilesBecomeAFeatureFileThatTrains) {
  test::TempDir dir;
  const fs::path root = make_msd(dir / "msd");
  const fs::path features = dir / "msd.safetensors";
  auto result = mirkit({"dataset", "msd", root.string(), "--labels",
                        (root / "msd_genres.cls").string(), "-o", features.string()});
  EXPECT_EQ(result.exit_code, 1) << "a file could not be read: " << result.err;
  EXPECT_NE(result.err.find("TRAAACZ128F000999.h5"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("1 of 9 tracks read has no label"), std::string::npos) << result.err;
  const pipeline::FeatureFile file = pipeline::read_feature_file(features);
  ASSERT_EQ(file.items.size(), 8u);
  EXPECT_EQ(file.layout, pipeline::FeatureLayout::pooled);
  EXPECT_EQ(file.dims(), 50u) << "25 dimensions × mean and std";
  EXPECT_EQ(file.names.front(), "timbre_01_mean");
  EXPECT_EQ(file.items[0].labels, std::vector<std::string>{"Rock"});
  EXPECT_EQ(file.items[0].group, "AR0000000000000000");
  EXPECT_EQ(file.items[0].path, "data/A/A/B/TRAAAB01128F000001.h5");
  // Segments at 0, 1 and 2.5 s of a 4 s track, held over their spans: 1, 1.5 and 1.5 s, so the
  // first coefficient's mean is weighted by them — (41·1 + 51·1.5 + 61·1.5) / 4 for track 1.
  // Tolerance: float32 storage of a mean of 40 grid values.
  const auto column = [&](const std::string& name) {
    return static_cast<Eigen::Index>(std::find(file.names.begin(), file.names.end(), name) -
                                     file.names.begin());
  };
  EXPECT_NEAR(file.values(0, column("timbre_01_mean")), (41.0 + 51.0 * 1.5 + 61.0 * 1.5) / 4, 1e-4);
  EXPECT_NEAR(file.values(0, column("pitch_C_mean")), (1.0 + 0.1 * 3) / 4, 1e-6);
  EXPECT_NEAR(file.values(0, column("loudness_max_mean")), (-10.0 - 11 * 1.5 - 12 * 1.5) / 4, 1e-4);

  // train and evaluate run on it like on any feature file; folds keep each artist to one side.
  const fs::path model = dir / "m.safetensors";
  result = mirkit({"train", features.string(), "-m", "knn", "--set", "k=1", "-o", model.string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  result = mirkit({"predict", model.string(), features.string(), "-o", "-"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("data/A/A/B/TRAAAB05128F000005.h5,Rap,"), std::string::npos)
      << result.out;
  const fs::path clip = dir / "clip.wav";
  test::write_audio(clip, test::sine(440, 22050, 22050), 22050, 1);
  result = mirkit({"predict", model.string(), clip.string(), "-o", "-"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(test::split_lines(result.err).size(), 1u) << result.err;
  EXPECT_NE(result.err.find("Million Song Dataset"), std::string::npos) << result.err;
  result = mirkit({"evaluate", "--cv", "2", "--group-by", "group", features.string(), "-m", "knn",
                   "--set", "k=1", "-o", "-"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(Json::parse(result.out)["accuracy"], 1.0) << result.out;

  // Frames on a regular grid, for the sequence models.
  result =
      mirkit({"dataset", "msd", root.string(), "--labels", (root / "msd_genres.cls").string(),
              "--layout", "frames", "--hop", "0.5", "-o", (dir / "frames.safetensors").string()});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  const pipeline::FeatureFile frames = pipeline::read_feature_file(dir / "frames.safetensors");
  EXPECT_EQ(frames.layout, pipeline::FeatureLayout::frames);
  EXPECT_EQ(frames.rows_of(0).rows(), 8) << "4 s at 0.5 s";
  EXPECT_EQ(frames.values(frames.offsets[0] + 5, 0), 61.0f) << "2.5 s: the third segment";
  EXPECT_NE(frames.config_hash, file.config_hash);
}

TEST(DatasetCommand, MillionSongDatasetNeedsItsLabelsAndItsFiles) {
  test::TempDir dir;
  const fs::path root = make_msd(dir / "msd");
  auto result = mirkit({"dataset", "msd", root.string(), "-o", (dir / "m.safetensors").string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("--labels names the genre file"), std::string::npos) << result.err;
  fs::create_directories(dir / "empty");
  result = mirkit({"dataset", "msd", (dir / "empty").string(), "--labels",
                   (root / "msd_genres.cls").string(), "-o", (dir / "m.safetensors").string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("does not look like the Million Song Dataset"), std::string::npos)
      << result.err;
  result = mirkit({"dataset", "msd", root.string(), "--labels", (root / "msd_genres.cls").string(),
                   "-o", (dir / "m.csv").string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("-o names the feature file"), std::string::npos) << result.err;
  result = mirkit({"dataset", "gtzan", root.string(), "--labels",
                   (root / "msd_genres.cls").string(), "-o", (dir / "m.csv").string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("are for a data set of features"), std::string::npos) << result.err;
  EXPECT_FALSE(fs::exists(dir / "m.safetensors"));
  EXPECT_FALSE(fs::exists(dir / "m.csv"));
}

}  // namespace
}  // namespace mirkit
