#include "mirkit/io/input_list.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

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
  const FolderScan scan = scan_audio_folder(dir.path());
  const std::vector<fs::path> expected = {dir / "a/0.mp3", dir / "a/deep/1.FLAC", dir / "b/2.wav",
                                          dir / "c.m4a"};
  EXPECT_EQ(scan.files, expected);
  EXPECT_TRUE(scan.problems.empty());
}

// A folder named like an audio file is one problem, never scanned (a `find -name '*.wav'` list
// would name it as a file); the rest of the tree is still scanned.
TEST(InputList, AFolderNamedLikeAudioIsAProblemNotScanned) {
  test::TempDir dir;
  fs::create_directories(dir / "take1.wav");
  test::write_bytes(dir / "take1.wav" / "inner.wav", "x");
  test::write_bytes(dir / "ok.wav", "x");
  const FolderScan scan = scan_audio_folder(dir.path());
  EXPECT_EQ(scan.files, (std::vector<fs::path>{dir / "ok.wav"}));
  ASSERT_EQ(scan.problems.size(), 1u);
  EXPECT_EQ(scan.problems[0].file(), (dir / "take1.wav").string());
  EXPECT_EQ(scan.problems[0].kind(), ErrorKind::input);
}

// An unreadable sub-folder (mode 000, as seen by an unprivileged user) is a problem named by
// the scan, not a silent gap. Root reads any folder, so as root the scan runs in a child that
// has dropped to `nobody` (65534).
TEST(InputList, AnUnreadableSubFolderIsAProblem) {
  test::TempDir dir;
  fs::create_directories(dir / "locked");
  test::write_bytes(dir / "locked" / "a.wav", "x");
  test::write_bytes(dir / "ok.wav", "x");
  fs::permissions(dir.path(), fs::perms::all);
  fs::permissions(dir / "locked", fs::perms::none);
  const auto scan_and_check = [&] {
    const FolderScan scan = scan_audio_folder(dir.path());
    return scan.files == std::vector<fs::path>{dir / "ok.wav"} && scan.problems.size() == 1 &&
           scan.problems[0].file() == (dir / "locked").string() &&
           scan.problems[0].cause().find("Permission denied") != std::string::npos;
  };
  bool ok = false;
  if (::geteuid() != 0) {
    ok = scan_and_check();
  } else {
    const pid_t child = ::fork();
    if (child == 0) {
      const bool dropped = ::setgid(65534) == 0 && ::setuid(65534) == 0;
      ::_exit(dropped && scan_and_check() ? 0 : 1);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }
  fs::permissions(dir / "locked", fs::perms::owner_all);
  EXPECT_TRUE(ok) << "the unreadable folder was not reported, or other files were missed";
}

TEST(InputList, ReadsLineAndNulSeparatedLists) {
  std::istringstream lines("a.wav\r\n\nb c.wav\n");
  EXPECT_EQ(read_path_list(lines, false), (std::vector<fs::path>{"a.wav", "b c.wav"}));
  std::istringstream records(std::string("x\ny.wav\0z.wav\0", 14));
  EXPECT_EQ(read_path_list(records, true), (std::vector<fs::path>{"x\ny.wav", "z.wav"}));
}

}  // namespace
}  // namespace mirkit::io
