// Runs the real mirkit binary, as a user's shell would, and keeps what it printed.
#pragma once

#include <string>
#include <vector>

namespace mirkit::test {

struct RunResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs `program args…` with stdin from `stdin_text`; arguments are passed literally.
RunResult run_program(const std::string& program, const std::vector<std::string>& args,
                      const std::string& stdin_text = {});

std::vector<std::string> split_lines(const std::string& text);

}  // namespace mirkit::test
