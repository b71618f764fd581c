// What the fuzz targets share: the input as bytes or text, and a scratch file for the readers
// that take a path (manifests, audio). Each target catches mirkit::Error, the library's answer to
// bad input; anything else escaping, a sanitizer report, a hang or a huge allocation is a finding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

namespace mirkit::fuzz {

inline std::span<const std::byte> as_bytes(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const std::byte*>(data), size};
}

inline std::string as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// A folder of this process's own (in /dev/shm when there is one: the audio target writes a file
// per input), removed at exit.
const std::filesystem::path& scratch_folder();

// Writes `bytes` to scratch_folder() / name and returns the path.
std::filesystem::path write_scratch_file(const std::string& name, const std::uint8_t* data,
                                         std::size_t size);

}  // namespace mirkit::fuzz
