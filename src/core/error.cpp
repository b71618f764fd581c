#include "mirkit/core/error.hpp"

#include <utility>

namespace mirkit {
namespace {

// The one-line message: "<file>: <cause>", or the cause alone when no file is involved.
std::string one_line(const std::string& file, const std::string& cause) {
  return file.empty() ? cause : file + ": " + cause;
}

}  // namespace

Error::Error(std::string cause, ErrorKind kind, std::string file, std::string stage)
    : std::runtime_error(one_line(file, cause)),
      cause_(std::move(cause)),
      kind_(kind),
      file_(std::move(file)),
      stage_(std::move(stage)) {}

Error Error::with_file(const std::string& file) const {
  return file_.empty() ? Error(cause_, kind_, file, stage_) : *this;
}

Error Error::with_stage(const std::string& stage) const {
  return stage_.empty() ? Error(cause_, kind_, file_, stage) : *this;
}

}  // namespace mirkit
