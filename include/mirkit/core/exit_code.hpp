// The program's exit codes, shared by every stage (DESIGN.md, "Command line").
#pragma once

#include "mirkit/core/error.hpp"

namespace mirkit {

enum class ExitCode : int {
  success = 0,             // all done
  some_inputs_failed = 1,  // done, but some inputs failed (each named in the error log)
  usage = 2,               // usage or config error: nothing was attempted
  fatal = 3,               // fatal: nothing usable written
};

constexpr ExitCode exit_code_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::input:
      return ExitCode::some_inputs_failed;
    case ErrorKind::usage:
      return ExitCode::usage;
    case ErrorKind::fatal:
      return ExitCode::fatal;
  }
  return ExitCode::fatal;
}

}  // namespace mirkit
