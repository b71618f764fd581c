#include "support/run.hpp"

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "support/temp_dir.hpp"

namespace mirkit::test {
namespace {

std::string shell_quote(const std::string& arg) {
  std::string quoted = "'";
  for (char c : arg) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  quoted += '\'';
  return quoted;
}

std::string read_all(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

RunResult run_program(const std::string& program, const std::vector<std::string>& args,
                      const std::string& stdin_text) {
  TempDir dir;
  write_bytes(dir / "stdin", stdin_text);
  // GCC 12 warns falsely (-Wrestrict) on chains of string '+': append piece by piece.
  std::string command = shell_quote(program);
  for (const auto& arg : args)
    command.append(" ").append(shell_quote(arg));
  command.append(" <").append(shell_quote((dir / "stdin").string()));
  command.append(" >").append(shell_quote((dir / "stdout").string()));
  command.append(" 2>").append(shell_quote((dir / "stderr").string()));
  const int status = std::system(command.c_str());
  RunResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = read_all(dir / "stdout");
  result.err = read_all(dir / "stderr");
  return result;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

}  // namespace mirkit::test
