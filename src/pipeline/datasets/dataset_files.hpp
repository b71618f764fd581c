// What the data set adapters share: finding where a copy keeps its audio, and saying why a listed
// file cannot be used.
#pragma once

#include <filesystem>
#include <initializer_list>
#include <optional>
#include <string>

namespace mirkit::pipeline {

// The first of root/<sub> (sub "" is root itself) that holds `listed`, a file the data set's
// table names relative to its audio folder; root when none does (every file is then noted
// missing, each by name).
std::filesystem::path find_audio_folder(const std::filesystem::path& root,
                                        std::initializer_list<const char*> subs,
                                        const std::string& listed);

// Why `path` cannot be used ("missing", "empty (0 bytes)"), or nothing when it can be read.
std::optional<std::string> unusable_file(const std::filesystem::path& path);

}  // namespace mirkit::pipeline
