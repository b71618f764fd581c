// The inputs of a batch: paths given on the command line, folders scanned for audio, and lists
// read from a file or stdin (`find … -print0 | mirkit … --files-from - --null`).
#pragma once

#include <filesystem>
#include <istream>
#include <string>
#include <vector>

#include "mirkit/core/error.hpp"

namespace mirkit::io {

// True for the endings a folder scan picks up. This includes formats libsndfile cannot read
// (m4a, aac, wma, …): they are listed so that each gets an error naming its format, rather than
// being skipped without a word.
bool has_audio_extension(const std::filesystem::path& path);

// What a folder scan found: the audio files, and the places it could not look into. A problem
// is an input Error naming the folder: one that cannot be read (permissions), or a folder named
// like an audio file ("take1.wav/"), which is never scanned, since a list made by
// `find -name '*.wav'` or a shell glob would name it as a file.
struct FolderScan {
  std::vector<std::filesystem::path> files;
  std::vector<Error> problems;
};

// Every audio file below `folder`, recursively, in a stable (byte-wise sorted) order. Hidden
// files and folders (".name") are skipped; links to folders are not followed. A sub-folder that
// cannot be read is a problem of the scan, and the rest is still scanned; throws mirkit::Error
// when `folder` itself cannot be read.
FolderScan scan_audio_folder(const std::filesystem::path& folder);

// The problem with a folder named like an audio file, worded once for every command.
Error audio_named_folder_error(const std::filesystem::path& folder);

// One path per line (or per NUL-terminated record with `null_separated`). Empty records and,
// for line lists, a trailing '\r' are dropped.
std::vector<std::filesystem::path> read_path_list(std::istream& in, bool null_separated);

struct InputSpec {
  std::vector<std::string> paths;  // files (kept as given) and folders (scanned)
  std::string files_from;          // a list file, "-" for stdin, empty for none
  bool null_separated = false;
};

}  // namespace mirkit::io
