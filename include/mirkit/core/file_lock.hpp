// An exclusive lock on a file beside an output, so that two overlapping runs (a cron job that
// outlasts its interval) never write the same output: the second one stops at once, saying so.
#pragma once

#include <filesystem>

namespace mirkit {

class FileLock {
 public:
  // Takes flock(LOCK_EX | LOCK_NB) on `path`, created if missing. A fatal Error names the path
  // and the holder's pid when another process holds it.
  explicit FileLock(const std::filesystem::path& path);
  // Removes the lock file, then releases the lock: no lock file is left behind. A run that
  // opened the old file meanwhile finds, once it holds the lock, that the path no longer names
  // the file it locked, and takes the lock again on a fresh one: two holders never overlap.
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  void take(const std::filesystem::path& path);  // opens and flocks `path` into fd_, or throws

  std::filesystem::path path_;
  int fd_ = -1;
};

}  // namespace mirkit
