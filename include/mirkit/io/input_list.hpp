// The inputs of a batch: paths given on the command line, folders scanned for audio, and lists
// read from a file or stdin (`find … -print0 | mirkit … --files-from - --null`).
#pragma once

#include <filesystem>
#include <istream>
#include <string>
#include <vector>

namespace mirkit::io {

// True for the endings a folder scan picks up. This includes formats libsndfile cannot read
// (m4a, aac, wma, …): they are listed so that each gets an error naming its format, rather than
// being skipped without a word.
bool has_audio_extension(const std::filesystem::path& path);

// Every audio file below `folder`, recursively, in a stable (byte-wise sorted) order. Hidden
// files and folders (".name") are skipped. Throws mirkit::Error when the folder cannot be read.
std::vector<std::filesystem::path> scan_audio_folder(const std::filesystem::path& folder);

// One path per line (or per NUL-terminated record with `null_separated`). Empty records and,
// for line lists, a trailing '\r' are dropped.
std::vector<std::filesystem::path> read_path_list(std::istream& in, bool null_separated);

struct InputSpec {
  std::vector<std::string> paths;  // files (kept as given) and folders (scanned)
  std::string files_from;          // a list file, "-" for stdin, empty for none
  bool null_separated = false;
};

// The inputs in order: the paths (folders expanded), then the list's entries. A path that does
// not exist is kept: opening it reports the error for that file alone. Throws a usage error when
// the list file cannot be opened.
std::vector<std::filesystem::path> collect_inputs(const InputSpec& spec,
                                                  std::istream& stdin_stream);

}  // namespace mirkit::io
