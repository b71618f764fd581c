// The MPEG audio backend (MP3, MP2) on libmpg123 directly. libsndfile decodes MP3 through the
// same library, but without MPG123_QUIET: a damaged file then prints "Note: …" lines of
// mpg123's own on stderr, which breaks the one-line-per-bad-file rule of a batch log.
#pragma once

#include <filesystem>
#include <memory>

#include "mirkit/io/audio_source.hpp"

namespace mirkit::io {

std::unique_ptr<AudioSource> open_mpg123_source(const std::filesystem::path& path);

}  // namespace mirkit::io
