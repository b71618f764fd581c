#include "dataset_files.hpp"

namespace mirkit::pipeline {

std::filesystem::path find_audio_folder(const std::filesystem::path& root,
                                        std::initializer_list<const char*> subs,
                                        const std::string& listed) {
  std::error_code code;
  for (const char* sub : subs) {
    const std::filesystem::path folder = *sub ? root / sub : root;
    if (!listed.empty() && std::filesystem::exists(folder / listed, code)) return folder;
  }
  return root;
}

std::optional<std::string> unusable_file(const std::filesystem::path& path) {
  std::error_code code;
  if (!std::filesystem::is_regular_file(path, code)) return "missing";
  if (std::filesystem::file_size(path, code) == 0) return "empty (0 bytes)";
  return std::nullopt;
}

}  // namespace mirkit::pipeline
