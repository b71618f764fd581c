// The libsndfile backend: WAV, AIFF, FLAC, Ogg Vorbis, Opus and MP3 (libsndfile ≥ 1.1).
#pragma once

#include <filesystem>
#include <memory>

#include "mirkit/io/audio_source.hpp"

namespace mirkit::io {

std::unique_ptr<AudioSource> open_sndfile_source(const std::filesystem::path& path);
// The same on an open descriptor, read without seeking (audio_source.hpp: open_audio_stream).
std::unique_ptr<AudioSource> open_sndfile_stream(int fd, const std::string& name,
                                                 const std::optional<RawFormat>& raw);

}  // namespace mirkit::io
