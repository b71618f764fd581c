#include "mirkit/core/file_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "mirkit/core/error.hpp"

namespace mirkit {

namespace {

// True when `path` still names the file open as `fd` (the holder before us may have removed it).
bool names_open_file(const std::filesystem::path& path, int fd) {
  struct stat by_path {};
  struct stat by_fd {};
  return ::stat(path.c_str(), &by_path) == 0 && ::fstat(fd, &by_fd) == 0 &&
         by_path.st_dev == by_fd.st_dev && by_path.st_ino == by_fd.st_ino;
}

}  // namespace

FileLock::FileLock(const std::filesystem::path& path) : path_(path) {
  for (;;) {
    take(path);
    if (names_open_file(path, fd_)) break;
    ::close(fd_);  // locked a file its holder removed: lock the one now at `path`
    fd_ = -1;
  }
  // The holder's pid, for the message a second run prints.
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd_, 0) == 0) {
    [[maybe_unused]] const ssize_t written = ::pwrite(fd_, pid.data(), pid.size(), 0);
  }
}

void FileLock::take(const std::filesystem::path& path) {
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (fd_ < 0) {
    const int code = errno;
    throw fatal_error(std::string("cannot create the lock file (") + std::strerror(code) + ")")
        .with_file(path.string());
  }
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int code = errno;
    char holder[32] = {};
    const ssize_t n = ::pread(fd_, holder, sizeof(holder) - 1, 0);
    ::close(fd_);
    fd_ = -1;
    if (code == EWOULDBLOCK) {
      std::string who = n > 0 ? std::string(holder, static_cast<std::size_t>(n)) : "";
      while (!who.empty() && (who.back() == '\n' || who.back() == ' '))
        who.pop_back();
      throw fatal_error("another mirkit run holds this lock" +
                        (who.empty() ? std::string() : " (pid " + who + ")") +
                        "; not starting a second one on the same output")
          .with_file(path.string());
    }
    throw fatal_error(std::string("cannot lock (") + std::strerror(code) + ")")
        .with_file(path.string());
  }
}

FileLock::~FileLock() {
  if (fd_ < 0) return;
  ::unlink(path_.c_str());  // while still held, so nobody locks the removed file unawares
  ::close(fd_);             // closing releases the lock
}

}  // namespace mirkit
