#include "mirkit/io/manifest.hpp"

#include <gtest/gtest.h>

#include "mirkit/core/error.hpp"
#include "support/temp_dir.hpp"

namespace mirkit::io {
namespace {

TEST(Manifest, CsvWithoutHeaderIsPositionalAndQuotesWork) {
  test::TempDir dir;
  test::write_bytes(dir / "m.csv",
                    "a.wav,rock\r\n"
                    "\n"
                    "\"b, with comma.wav\",\"jazz;live\",\"the \"\"band\"\"\",1.5,2\r\n"
                    "/abs/c.flac\n");
  const auto entries = read_manifest(dir / "m.csv").entries;
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].path, dir / "a.wav") << "relative to the manifest's folder";
  EXPECT_EQ(entries[0].labels, std::vector<std::string>{"rock"});
  EXPECT_FALSE(entries[0].start_s.has_value());
  EXPECT_EQ(entries[1].path, dir / "b, with comma.wav");
  EXPECT_EQ(entries[1].labels, (std::vector<std::string>{"jazz", "live"}));
  EXPECT_EQ(entries[1].group, "the \"band\"");
  EXPECT_DOUBLE_EQ(*entries[1].start_s, 1.5);
  EXPECT_DOUBLE_EQ(*entries[1].duration_s, 2.0);
  EXPECT_EQ(entries[2].path, "/abs/c.flac");
  EXPECT_TRUE(entries[2].labels.empty());
}

TEST(Manifest, CsvHeaderNamesTheColumnsInAnyOrder) {
  test::TempDir dir;
  test::write_bytes(dir / "m.csv", "group,PATH,label\ng1,x.wav,a;b;\n");
  const auto entries = read_manifest(dir / "m.csv").entries;
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].path, dir / "x.wav");
  EXPECT_EQ(entries[0].group, "g1");
  EXPECT_EQ(entries[0].labels, (std::vector<std::string>{"a", "b"}));
}

TEST(Manifest, JsonLinesTakeListsAndNumbers) {
  test::TempDir dir;
  test::write_bytes(dir / "m.jsonl",
                    R"({"path": "x.wav", "label": ["a", "b"], "group": 7, "start": 3})"
                    "\n\n"
                    R"({"path": "y.wav", "labels": "c", "duration": 10.5})"
                    "\n");
  const auto entries = read_manifest(dir / "m.jsonl").entries;
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].labels, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(entries[0].group, "7");
  EXPECT_DOUBLE_EQ(*entries[0].start_s, 3.0);
  EXPECT_EQ(entries[1].labels, std::vector<std::string>{"c"});
  EXPECT_DOUBLE_EQ(*entries[1].duration_s, 10.5);
}

void expect_error(const std::string& name, const std::string& text, const std::string& needle) {
  test::TempDir dir;
  test::write_bytes(dir / name, text);
  try {
    read_manifest(dir / name);
    FAIL() << "accepted: " << text;
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::usage);
    EXPECT_NE(std::string(error.what()).find(needle), std::string::npos) << error.what();
  }
}

TEST(Manifest, ErrorsNameTheFileLineAndCause) {
  expect_error("m.csv", "a.wav,x\nb.wav,y,g,soon\n", "m.csv:2: 'start' is not a number");
  expect_error("m.csv", "a.wav,x,g,1,2,extra\n", "m.csv:1: 6 fields");
  expect_error("m.csv", "\"a.wav,x\n", "not closed");
  expect_error("m.csv", "path,label,path\n", "exactly one 'path'");
  expect_error("m.csv", ",rock\n", "m.csv:1: empty path");
  expect_error("m.jsonl", "{\"path\": \"a.wav\", \"lable\": \"x\"}\n",
               "m.jsonl:1: unknown key 'lable' (did you mean 'label'?)");
  expect_error("m.csv", "path,lable\na.wav,x\n", "m.csv:1: unknown column 'lable' (did you mean");
  expect_error("m.jsonl", "[1]\n", "JSON object");
  expect_error("m.jsonl", "{\"label\": \"x\"}\n", "no 'path'");
  expect_error("m.jsonl", "{oops\n", "not valid JSON");
  EXPECT_THROW(read_manifest("/no/such/manifest.csv"), Error);
}

// Manifests as users have them: other columns are read past and reported once, "tags" names
// the labels; a likely misspelling of a known column is still refused (above).
TEST(Manifest, OtherColumnsAreIgnoredAndReportedOnce) {
  test::TempDir dir;
  test::write_bytes(dir / "m.csv",
                    "path,artist,tags,year,group\n"
                    "a.wav,Someone,rock;live,1999,album1\n"
                    "b.wav,Other,jazz,2001,album2\n");
  const Manifest csv = read_manifest(dir / "m.csv");
  ASSERT_EQ(csv.entries.size(), 2u);
  EXPECT_EQ(csv.entries[0].labels, (std::vector<std::string>{"rock", "live"}));
  EXPECT_EQ(csv.entries[1].group, "album2");
  EXPECT_EQ(csv.ignored, (std::vector<std::string>{"artist", "year"}));
  EXPECT_EQ(ignored_columns_note(csv.ignored),
            "ignoring the columns 'artist', 'year' (mirkit reads path, label (or tags), group, "
            "start, duration, split)");

  test::write_bytes(dir / "m.jsonl", R"({"path": "x.wav", "tags": ["a"], "mood": "calm", "id": 4})"
                                     "\n"
                                     R"({"path": "y.wav", "tags": "b", "mood": "sad"})"
                                     "\n");
  const Manifest jsonl = read_manifest(dir / "m.jsonl");
  ASSERT_EQ(jsonl.entries.size(), 2u);
  EXPECT_EQ(jsonl.entries[1].labels, std::vector<std::string>{"b"});
  EXPECT_EQ(jsonl.ignored, (std::vector<std::string>{"mood", "id"}));  // as they first appear
}

TEST(Manifest, TheSplitColumnTakesTheNamesDataSetsUse) {
  test::TempDir dir;
  test::write_bytes(dir / "m.csv",
                    "path,split\na.wav,Training\nb.wav,valid\nc.wav,TEST\nd.wav,\ne.wav,dev\n");
  const Manifest manifest = read_manifest(dir / "m.csv");
  ASSERT_EQ(manifest.entries.size(), 5u);
  std::vector<std::string> splits;
  for (const ManifestEntry& entry : manifest.entries)
    splits.push_back(entry.split);
  EXPECT_EQ(splits, (std::vector<std::string>{"train", "validation", "test", "", "validation"}));
  expect_error("m.csv", "path,split\na.wav,holdout\n",
               "m.csv:2: 'split' is 'holdout'; it takes train, validation or test");
  expect_error("m.jsonl", "{\"path\": \"a.wav\", \"split\": 1}\n", "'split' must be a string");
}

TEST(Manifest, SplitLabelsDropsEmptiesAndSpaces) {
  EXPECT_EQ(split_labels(" a ; b;;c; "), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(split_labels("").empty());
}

}  // namespace
}  // namespace mirkit::io
