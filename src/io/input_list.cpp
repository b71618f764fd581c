#include "mirkit/io/input_list.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

#include "mirkit/core/error.hpp"

namespace mirkit::io {
namespace fs = std::filesystem;

bool has_audio_extension(const fs::path& path) {
  static constexpr std::array<std::string_view, 19> kEndings = {
      ".wav", ".wave", ".aif", ".aiff", ".aifc", ".flac", ".ogg", ".oga", ".opus", ".mp3",
      ".mp2", ".au",   ".caf", ".w64",  ".rf64", ".m4a",  ".aac", ".wma", ".mp4"};
  std::string ending = path.extension().string();
  std::transform(ending.begin(), ending.end(), ending.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::find(kEndings.begin(), kEndings.end(), ending) != kEndings.end();
}

namespace {

void scan_into(const fs::path& folder, FolderScan& scan, bool top) {
  std::error_code ec;
  fs::directory_iterator it(folder, ec);
  if (ec) {
    Error problem("cannot read folder (" + ec.message() + ")", ErrorKind::input, folder.string(),
                  "open");
    if (top) throw problem;
    scan.problems.push_back(std::move(problem));
    return;
  }
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) {
      scan.problems.emplace_back("cannot read folder (" + ec.message() + ")", ErrorKind::input,
                                 folder.string(), "open");
      return;
    }
    const fs::path& path = it->path();
    const std::string name = path.filename().string();
    if (!name.empty() && name[0] == '.') continue;
    std::error_code type_ec;
    const bool is_link = it->is_symlink(type_ec);
    if (it->is_directory(type_ec)) {
      if (is_link) continue;  // as find does: a link to a folder is not followed
      if (has_audio_extension(path)) {
        scan.problems.push_back(audio_named_folder_error(path));
      } else {
        scan_into(path, scan, false);
      }
    } else if (has_audio_extension(path)) {
      scan.files.push_back(path);
    }
  }
}

}  // namespace

Error audio_named_folder_error(const fs::path& folder) {
  return Error("is a folder named like an audio file; not scanned", ErrorKind::input,
               folder.string(), "open");
}

FolderScan scan_audio_folder(const fs::path& folder) {
  FolderScan scan;
  scan_into(folder, scan, true);
  std::sort(scan.files.begin(), scan.files.end(),
            [](const fs::path& a, const fs::path& b) { return a.native() < b.native(); });
  return scan;
}

std::vector<fs::path> read_path_list(std::istream& in, bool null_separated) {
  std::vector<fs::path> paths;
  std::string record;
  while (std::getline(in, record, null_separated ? '\0' : '\n')) {
    if (!null_separated && !record.empty() && record.back() == '\r') record.pop_back();
    if (!record.empty()) paths.emplace_back(record);
  }
  return paths;
}

}  // namespace mirkit::io
