// The libsndfile backend: WAV, AIFF, FLAC, Ogg Vorbis, Opus and MP3 (libsndfile ≥ 1.1).
#pragma once

#include <filesystem>
#include <memory>

#include "mirkit/io/audio_source.hpp"

namespace mirkit::io {

std::unique_ptr<AudioSource> open_sndfile_source(const std::filesystem::path& path);

}  // namespace mirkit::io
