// What every CLI test does: run the real mirkit binary (MIRKIT_BINARY, set by CMake for
// cli_tests) and read back the files it wrote.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/run.hpp"

namespace mirkit::test {

inline RunResult mirkit(const std::vector<std::string>& args, const std::string& stdin_text = {}) {
  return run_program(MIRKIT_BINARY, args, stdin_text);
}

inline std::string read_all(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace mirkit::test
