#include "mirkit/core/file_lock.hpp"

#include <gtest/gtest.h>

#include <optional>

#include "mirkit/core/error.hpp"
#include "support/temp_dir.hpp"

namespace mirkit {
namespace {
namespace fs = std::filesystem;

TEST(FileLock, IsRemovedWhenReleased) {
  test::TempDir dir;
  {
    const FileLock lock(dir / "out.lock");
    EXPECT_TRUE(fs::exists(dir / "out.lock"));
  }
  EXPECT_FALSE(fs::exists(dir / "out.lock"));
}

TEST(FileLock, ASecondTakerIsRefusedNamingTheHolder) {
  test::TempDir dir;
  const FileLock first(dir / "out.lock");
  try {
    const FileLock second(dir / "out.lock");
    FAIL() << "two holders";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::fatal);
    EXPECT_NE(error.cause().find("another mirkit run holds this lock (pid "), std::string::npos)
        << error.cause();
    EXPECT_EQ(error.file(), (dir / "out.lock").string());
  }
}

// A lock file left by a killed run (nobody holds it) is taken over, and removed at the end.
TEST(FileLock, ALeftOverLockFileIsTakenOver) {
  test::TempDir dir;
  test::write_bytes(dir / "out.lock", "12345\n");
  { const FileLock lock(dir / "out.lock"); }
  EXPECT_FALSE(fs::exists(dir / "out.lock"));
}

// Released and taken again, as cron does night after night: never a stale refusal.
TEST(FileLock, CanBeTakenAgainAfterRelease) {
  test::TempDir dir;
  for (int night = 0; night < 3; ++night)
    EXPECT_NO_THROW(FileLock(dir / "out.lock"));
}

}  // namespace
}  // namespace mirkit
