// Whole files in and out. Outputs are written to a temporary file in the destination's folder and
// renamed into place, so a crash, a kill or a full disk never leaves a half-written file where a
// finished one is expected (DESIGN.md, "Artifacts").
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace mirkit {

// Writes all of `bytes` to the open file `fd` (retrying short and interrupted writes); a fatal
// Error naming `path` (the file's name) and the cause on failure.
void write_fully(int fd, std::string_view bytes, const std::filesystem::path& path);

// Writes a file in parts, atomically: into a temporary sibling that commit() flushes to disk
// (fsync) and renames over `path`. Destroyed uncommitted (an error, a thrown exception), it
// removes the temporary and leaves `path` as it was. Failures are fatal Errors naming `path` and
// the cause (e.g. "No space left on device").
class AtomicFileWriter {
 public:
  explicit AtomicFileWriter(std::filesystem::path path);
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  void write(std::string_view bytes);
  void commit();

 private:
  std::filesystem::path path_;
  std::string temporary_;
  int fd_ = -1;
  bool committed_ = false;
};

// Writes `bytes` to `path` atomically: a temporary sibling, flushed to disk (fsync), then
// rename(2) over `path`. On any failure the temporary is removed, `path` is left as it was, and a
// fatal Error names `path` and the cause (e.g. "No space left on device").
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes);

// A usage Error naming the folder when the folder `output` would be written in does not exist
// ("-", standard output, needs none): checked before any work, so a typo in -o costs nothing.
void require_output_folder(const std::filesystem::path& output);

// A usage Error "PATH: no such file or folder" when a path named on the command line does not
// exist: one message and exit code for every command (a listed path is that input's error).
void require_existing_input(const std::filesystem::path& path);

// The whole file. An input Error names the path and the cause (missing, a folder, unreadable).
std::string read_file(const std::filesystem::path& path);

}  // namespace mirkit
