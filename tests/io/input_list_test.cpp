#include "mirkit/io/input_list.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "mirkit/core/error.hpp"
#include "support/temp_dir.hpp"

namespace mirkit::io {
namespace {

namespace fs = std::filesystem;

TEST(InputList, ScansFoldersRecursivelyInSortedOrder) {
  test::TempDir dir;
  fs::create_directories(dir / "b");
  fs::create_directories(dir / "a" / "deep");
  fs::create_directories(dir / ".hidden");
  for (const char* name : {"b/2.wav", "a/deep/1.FLAC", "a/0.mp3", "a/notes.txt", ".hidden/x.wav",
                           "a/.y.wav", "c.m4a"}) {
    test::write_bytes(dir / name, "x");
  }
  const auto found = scan_audio_folder(dir.path());
  const std::vector<fs::path> expected = {dir / "a/0.mp3", dir / "a/deep/1.FLAC", dir / "b/2.wav",
                                          dir / "c.m4a"};
  EXPECT_EQ(found, expected);
}

TEST(InputList, ReadsLineAndNulSeparatedLists) {
  std::istringstream lines("a.wav\r\n\nb c.wav\n");
  EXPECT_EQ(read_path_list(lines, false), (std::vector<fs::path>{"a.wav", "b c.wav"}));
  std::istringstream records(std::string("x\ny.wav\0z.wav\0", 14));
  EXPECT_EQ(read_path_list(records, true), (std::vector<fs::path>{"x\ny.wav", "z.wav"}));
}

TEST(InputList, CollectsArgumentsThenTheList) {
  test::TempDir dir;
  test::write_bytes(dir / "in.wav", "x");
  test::write_bytes(dir / "list.txt", "listed.wav\n");
  InputSpec spec;
  spec.paths = {"missing.wav", dir.path().string()};
  spec.files_from = (dir / "list.txt").string();
  std::istringstream no_stdin;
  EXPECT_EQ(collect_inputs(spec, no_stdin),
            (std::vector<fs::path>{"missing.wav", dir / "in.wav", "listed.wav"}));
}

TEST(InputList, ReadsTheListFromStdin) {
  InputSpec spec;
  spec.files_from = "-";
  std::istringstream in("one.wav\ntwo.wav\n");
  EXPECT_EQ(collect_inputs(spec, in), (std::vector<fs::path>{"one.wav", "two.wav"}));
}

TEST(InputList, MissingListIsAUsageError) {
  InputSpec spec;
  spec.files_from = "/nonexistent/list.txt";
  std::istringstream in;
  try {
    collect_inputs(spec, in);
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::usage);
    EXPECT_NE(error.cause().find("/nonexistent/list.txt"), std::string::npos);
  }
}

}  // namespace
}  // namespace mirkit::io
