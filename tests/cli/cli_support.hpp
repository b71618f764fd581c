// What every CLI test does: run the real mirkit binary (MIRKIT_BINARY, set by CMake for
// cli_tests) and read back the files it wrote.
#pragma once

#include <fcntl.h>
#include <spawn.h>
#include <unistd.h>

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

// Starts mirkit without waiting for it, its stderr into `log`, its stdin from `stdin_fd` (the
// read end of a pipe the test holds) or else /dev/null.
inline pid_t spawn_mirkit(const std::vector<std::string>& args, const std::filesystem::path& log,
                          int stdin_fd = -1) {
  std::vector<std::string> argv_text = {MIRKIT_BINARY};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_text)
    argv.push_back(arg.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (stdin_fd >= 0) {
    posix_spawn_file_actions_adddup2(&actions, stdin_fd, 0);
  } else {
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  }
  posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  posix_spawn(&pid, MIRKIT_BINARY, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

inline std::string read_all(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace mirkit::test
