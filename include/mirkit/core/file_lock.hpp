// An exclusive lock on a file beside an output, so that two overlapping runs (a cron job that
// outlasts its interval) never write the same output: the second one stops at once, saying so.
#pragma once

#include <filesystem>

namespace mirkit {

class FileLock {
 public:
  // Takes flock(LOCK_EX | LOCK_NB) on `path` (created if missing; it is left in place, as removing
  // a lock file races with the next taker). A fatal Error names the path and the holder's pid
  // when another process holds it.
  explicit FileLock(const std::filesystem::path& path);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace mirkit
