#include "mirkit/core/file_io.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "mirkit/core/error.hpp"
#include "support/temp_dir.hpp"

namespace mirkit {
namespace {

std::string read_all(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(AtomicFile, WritesTheBytesAndLeavesNoTemporary) {
  test::TempDir dir;
  write_file_atomically(dir / "out.bin", std::string("abc\0def", 7));
  EXPECT_EQ(read_all(dir / "out.bin"), std::string("abc\0def", 7));
  int entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path()))
    ++entries;
  EXPECT_EQ(entries, 1);
}

TEST(AtomicFile, ReplacesAnExistingFile) {
  test::TempDir dir;
  write_file_atomically(dir / "out.txt", "first");
  write_file_atomically(dir / "out.txt", "second");
  EXPECT_EQ(read_all(dir / "out.txt"), "second");
}

TEST(AtomicFile, AFailureLeavesTheOldFileAndNamesThePath) {
  test::TempDir dir;
  write_file_atomically(dir / "out.txt", "kept");
  // Renaming a file over a non-empty directory fails: the old content must stay intact.
  std::filesystem::create_directory(dir / "busy");
  test::write_bytes(dir / "busy" / "x", "x");
  try {
    write_file_atomically(dir / "busy", "new");
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::fatal);
    EXPECT_NE(std::string(error.what()).find("busy"), std::string::npos);
  }
  EXPECT_EQ(read_all(dir / "out.txt"), "kept");
  EXPECT_THROW(write_file_atomically(dir / "no" / "such" / "dir.txt", "x"), Error);
}

}  // namespace
}  // namespace mirkit
