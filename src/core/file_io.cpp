#include "mirkit/core/file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "mirkit/core/error.hpp"
#include "mirkit/core/text.hpp"

namespace mirkit {
namespace {

[[noreturn]] void fail(const std::filesystem::path& target, const char* what) {
  const int code = errno;
  throw fatal_error(std::string(what) + " (" + std::strerror(code) + ")")
      .with_file(target.string());
}

}  // namespace

AtomicFileWriter::AtomicFileWriter(std::filesystem::path path) : path_(std::move(path)) {
  temporary_ = path_.string() + ".tmp.XXXXXX";
  fd_ = mkstemp(temporary_.data());
  if (fd_ < 0) fail(path_, "cannot create a temporary file beside it");
  // mkstemp makes the file 0600; an output should get the usual mode, as with open(2).
  const mode_t mask = umask(0);
  umask(mask);
  fchmod(fd_, 0666 & ~mask);
}

AtomicFileWriter::~AtomicFileWriter() {
  if (fd_ >= 0) close(fd_);
  if (!committed_) unlink(temporary_.c_str());
}

void write_fully(int fd, std::string_view bytes, const std::filesystem::path& path) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      fail(path, "write failed");
    }
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
}

void AtomicFileWriter::write(std::string_view bytes) { write_fully(fd_, bytes, path_); }

void AtomicFileWriter::commit() {
  if (fsync(fd_) != 0) fail(path_, "fsync failed");
  const int fd = fd_;
  fd_ = -1;
  if (close(fd) != 0) fail(path_, "close failed");
  if (std::rename(temporary_.c_str(), path_.c_str()) != 0) fail(path_, "rename failed");
  committed_ = true;
}

void write_file_atomically(const std::filesystem::path& path, std::string_view bytes) {
  AtomicFileWriter file(path);
  file.write(bytes);
  file.commit();
}

std::string read_file(const std::filesystem::path& path) {
  std::error_code code;
  if (std::filesystem::is_directory(path, code)) {
    throw Error("is a folder, not a file").with_file(path.string());
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int error = errno;
    throw Error(std::string("cannot open (") + std::strerror(error) + ")").with_file(path.string());
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) throw Error("read failed").with_file(path.string());
  return std::move(bytes).str();
}

void require_existing_input(const std::filesystem::path& path) {
  std::error_code code;
  if (path == "-" || std::filesystem::exists(path, code) ||
      std::filesystem::is_symlink(std::filesystem::symlink_status(path, code))) {
    return;
  }
  throw usage_error(escape_invalid_utf8(path.string()) + ": no such file or folder");
}

void require_output_folder(const std::filesystem::path& output) {
  if (output.empty() || output == "-") return;
  const std::filesystem::path folder =
      output.has_parent_path() ? output.parent_path() : std::filesystem::path(".");
  std::error_code code;
  if (!std::filesystem::is_directory(folder, code)) {
    throw usage_error("the output folder '" + escape_invalid_utf8(folder.string()) +
                      "' does not exist");
  }
}

}  // namespace mirkit
