#include "mirkit/io/audio_source.hpp"

#include <array>
#include <cctype>
#include <cstring>
#include <fstream>
#include <system_error>

#include "mirkit/core/error.hpp"
#include "mpg123_source.hpp"
#include "sndfile_source.hpp"

namespace mirkit::io {
namespace {

namespace fs = std::filesystem;

// Formats that libsndfile does not read, recognised by their first bytes so that the message can
// name the format and say what would read it, rather than libsndfile's "format not recognised".
const char* unsupported_format(const std::array<unsigned char, 16>& head, std::size_t size) {
  if (size >= 12 && std::memcmp(head.data() + 4, "ftyp", 4) == 0) {
    return "MPEG-4 audio (M4A/AAC/ALAC) is not readable by libsndfile; convert it first, "
           "e.g. ffmpeg -i in.m4a out.flac";
  }
  static constexpr unsigned char kAsfGuid[] = {0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11};
  if (size >= 8 && std::memcmp(head.data(), kAsfGuid, sizeof(kAsfGuid)) == 0) {
    return "ASF/WMA audio is not readable by libsndfile; convert it first, "
           "e.g. ffmpeg -i in.wma out.flac";
  }
  if (size >= 4 && (std::memcmp(head.data(), "wvpk", 4) == 0)) {
    return "WavPack audio is not readable by libsndfile; convert it first, e.g. wvunpack";
  }
  if (size >= 4 && (std::memcmp(head.data(), "MAC ", 4) == 0)) {
    return "Monkey's Audio (APE) is not readable by libsndfile; convert it first, "
           "e.g. ffmpeg -i in.ape out.flac";
  }
  return nullptr;
}

// MPEG audio goes to mpg123: by its ending, or by an ID3 tag or a frame sync word at the start.
bool looks_like_mpeg(const fs::path& path, const std::array<unsigned char, 16>& head,
                     std::size_t size) {
  std::string ending = path.extension().string();
  for (char& c : ending)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ending == ".mp3" || ending == ".mp2" || ending == ".mp1") return true;
  if (size >= 3 && std::memcmp(head.data(), "ID3", 3) == 0) return true;
  return size >= 2 && head[0] == 0xFF && (head[1] & 0xE0) == 0xE0;
}

// Checks what the file system can tell before a decoder sees the file, so that the common
// failures get a plain message instead of a decoder's guess. Returns the file's first bytes.
struct FileHead {
  std::array<unsigned char, 16> bytes{};
  std::size_t size = 0;
};

FileHead check_readable_file(const fs::path& path) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec || !fs::exists(status)) throw Error("no such file");
  if (fs::is_directory(status)) throw Error("is a directory, not an audio file");
  if (!fs::is_regular_file(status)) throw Error("not a regular file");

  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(std::string("cannot open: ") + std::strerror(errno));
  FileHead head;
  in.read(reinterpret_cast<char*>(head.bytes.data()), head.bytes.size());
  head.size = static_cast<std::size_t>(in.gcount());
  if (head.size == 0) throw Error("empty file (0 bytes)");
  if (const char* why = unsupported_format(head.bytes, head.size)) throw Error(why);
  return head;
}

}  // namespace

std::unique_ptr<AudioSource> open_audio_source(const fs::path& path) {
  try {
    const FileHead head = check_readable_file(path);
    if (looks_like_mpeg(path, head.bytes, head.size)) return open_mpg123_source(path);
    return open_sndfile_source(path);
  } catch (const Error& error) {
    throw error.with_file(path.string()).with_stage("decode");
  }
}

std::unique_ptr<AudioSource> open_audio_stream(int fd, const std::string& name,
                                               const std::optional<RawFormat>& raw) {
  return open_sndfile_stream(fd, name, raw);
}

}  // namespace mirkit::io
