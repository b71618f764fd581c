// Audio files made by the tests themselves, through libsndfile (which writes every format mirkit
// reads: WAV, AIFF, FLAC, Ogg Vorbis, Opus, MP3).
#pragma once

#include <filesystem>
#include <vector>

namespace mirkit::test {

enum class FileFormat { wav_pcm16, wav_float, aiff_pcm16, flac, ogg_vorbis, ogg_opus, mp3 };

// Writes interleaved samples (frames × channels). Throws std::runtime_error if libsndfile cannot.
void write_audio(const std::filesystem::path& path, const std::vector<float>& interleaved,
                 int sample_rate, int channels, FileFormat format = FileFormat::wav_pcm16);

}  // namespace mirkit::test
