// A fresh folder under $TMPDIR, removed with everything in it when the test ends.
#pragma once

#include <filesystem>
#include <string>

namespace mirkit::test {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Writes `bytes` to `path` as they are.
void write_bytes(const std::filesystem::path& path, const std::string& bytes);

}  // namespace mirkit::test
