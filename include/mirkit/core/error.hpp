// mirkit::Error: the one exception type of the library. It carries the file and the stage it
// happened in, so the batch loop can record "this file failed, because…" and go on.
#pragma once

#include <stdexcept>
#include <string>

namespace mirkit {

// What kind of failure, which decides the exit code (see exit_code.hpp).
enum class ErrorKind {
  input,  // one input (file, item) is bad: record it and go on with the rest
  usage,  // bad flags, bad config: nothing was attempted
  fatal,  // the run cannot go on (output folder unwritable, out of disk, …)
};

class Error : public std::runtime_error {
 public:
  // `cause` says what is wrong in a few words ("empty file (0 bytes)"); `file` and `stage`
  // may be filled in later by the layer that knows them, with with_file / with_stage.
  explicit Error(std::string cause, ErrorKind kind = ErrorKind::input, std::string file = {},
                 std::string stage = {});

  const std::string& cause() const noexcept { return cause_; }
  const std::string& file() const noexcept { return file_; }
  const std::string& stage() const noexcept { return stage_; }
  ErrorKind kind() const noexcept { return kind_; }

  // Copies with the context set; an error that already names a file keeps it.
  Error with_file(const std::string& file) const;
  Error with_stage(const std::string& stage) const;

 private:
  std::string cause_;
  ErrorKind kind_;
  std::string file_;
  std::string stage_;
};

// Shorthands for the two common kinds.
inline Error usage_error(std::string cause) {
  return Error(std::move(cause), ErrorKind::usage);
}
inline Error fatal_error(std::string cause) {
  return Error(std::move(cause), ErrorKind::fatal);
}

}  // namespace mirkit
