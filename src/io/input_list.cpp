#include "mirkit/io/input_list.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
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

std::vector<fs::path> scan_audio_folder(const fs::path& folder) {
  std::vector<fs::path> found;
  std::error_code ec;
  auto it =
      fs::recursive_directory_iterator(folder, fs::directory_options::skip_permission_denied, ec);
  if (ec) throw Error("cannot read folder: " + ec.message(), ErrorKind::input, folder.string());
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) throw Error("cannot read folder: " + ec.message(), ErrorKind::input, folder.string());
    const std::string name = it->path().filename().string();
    if (!name.empty() && name[0] == '.') {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (!it->is_directory(ec) && has_audio_extension(it->path())) found.push_back(it->path());
  }
  std::sort(found.begin(), found.end(),
            [](const fs::path& a, const fs::path& b) { return a.native() < b.native(); });
  return found;
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

std::vector<fs::path> collect_inputs(const InputSpec& spec, std::istream& stdin_stream) {
  std::vector<fs::path> inputs;
  for (const std::string& arg : spec.paths) {
    std::error_code ec;
    if (fs::is_directory(arg, ec)) {
      std::vector<fs::path> found = scan_audio_folder(arg);
      inputs.insert(inputs.end(), found.begin(), found.end());
    } else {
      inputs.emplace_back(arg);
    }
  }
  if (spec.files_from.empty()) return inputs;

  std::vector<fs::path> listed;
  if (spec.files_from == "-") {
    listed = read_path_list(stdin_stream, spec.null_separated);
  } else {
    std::ifstream list(spec.files_from, std::ios::binary);
    if (!list) throw usage_error("cannot open the list of inputs '" + spec.files_from + "'");
    listed = read_path_list(list, spec.null_separated);
  }
  inputs.insert(inputs.end(), listed.begin(), listed.end());
  return inputs;
}

}  // namespace mirkit::io
