#include "mirkit/pipeline/batch_inputs.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>

#include "mirkit/core/error.hpp"
#include "mirkit/core/file_io.hpp"
#include "mirkit/core/hash.hpp"
#include "mirkit/core/text.hpp"
#include "mirkit/io/manifest.hpp"

namespace mirkit::pipeline {
namespace fs = std::filesystem;
namespace {

// The key of a path: relative to the root when inside it, else the path as given.
std::string key_for(const fs::path& path, const fs::path& root) {
  std::error_code code;
  const fs::path absolute = fs::absolute(path, code).lexically_normal();
  if (!code) {
    const fs::path relative = absolute.lexically_relative(root);
    if (!relative.empty() && *relative.begin() != "..") {
      return escape_invalid_utf8(relative.generic_string());
    }
  }
  return escape_invalid_utf8(path.lexically_normal().generic_string());
}

class Collector {
 public:
  explicit Collector(const GatherOptions& options) {
    std::error_code code;
    root_ = fs::absolute(options.root.value_or(fs::current_path(code)), code).lexically_normal();
    labels_from_folders_ = options.labels_from_folders;
  }

  void add_folder(const fs::path& folder) {
    io::FolderScan scan = io::scan_audio_folder(folder);
    for (Error& problem : scan.problems)
      gathered_.problems.push_back(std::move(problem));
    if (scan.files.empty() && scan.problems.empty())
      gathered_.empty_folders.push_back(escape_invalid_utf8(folder.string()));
    for (const fs::path& file : scan.files) {
      BatchInput input;
      input.path = file;
      if (labels_from_folders_) {
        const std::string label = escape_invalid_utf8(file.parent_path().filename().string());
        if (!label.empty() && label != "." && label != "..") input.labels = {label};
      }
      add(std::move(input));
    }
  }

  void add_manifest(const fs::path& manifest) {
    io::Manifest read = io::read_manifest(manifest);
    if (!read.ignored.empty()) {
      gathered_.notes.emplace_back(escape_invalid_utf8(manifest.string()),
                                   io::ignored_columns_note(read.ignored));
    }
    for (io::ManifestEntry& entry : read.entries) {
      BatchInput input;
      input.path = std::move(entry.path);
      input.labels = std::move(entry.labels);
      input.group = std::move(entry.group);
      input.start_s = entry.start_s;
      input.duration_s = entry.duration_s;
      input.split = std::move(entry.split);
      add(std::move(input));
    }
  }

  void add_file(const fs::path& file) {
    BatchInput input;
    input.path = file;
    add(std::move(input));
  }

  void add_problem(Error problem) { gathered_.problems.push_back(std::move(problem)); }

  GatheredInputs take() { return std::move(gathered_); }

 private:
  void add(BatchInput input) {
    input.key = key_for(input.path, root_);
    if (!seen_.insert(input.key).second) {
      gathered_.duplicates.push_back(input.key);
      return;
    }
    gathered_.inputs.push_back(std::move(input));
  }

  fs::path root_;
  bool labels_from_folders_ = true;
  std::set<std::string> seen_;
  GatheredInputs gathered_;
};

}  // namespace

GatheredInputs gather_inputs(const io::InputSpec& spec, std::istream& stdin_stream,
                             const GatherOptions& options) {
  Collector collector(options);
  const auto add_path = [&](const fs::path& path, bool named) {
    std::error_code code;
    const fs::file_status status = fs::status(path, code);
    if (fs::is_directory(status)) {
      if (io::has_audio_extension(path)) {
        collector.add_problem(io::audio_named_folder_error(path));
      } else {
        collector.add_folder(path);
      }
    } else if (named && !fs::exists(status)) {
      require_existing_input(path);  // a dangling link is the file's own error, later
      collector.add_file(path);
    } else if (io::is_manifest(path)) {
      collector.add_manifest(path);
    } else {
      collector.add_file(path);  // a listed file that is missing is that file's error, later
    }
  };
  for (const std::string& path : spec.paths)
    add_path(path, true);
  if (!spec.files_from.empty()) {
    std::vector<fs::path> listed;
    if (spec.files_from == "-") {
      listed = io::read_path_list(stdin_stream, spec.null_separated);
    } else {
      std::ifstream list(spec.files_from, std::ios::binary);
      if (!list) throw usage_error("cannot open the list of inputs '" + spec.files_from + "'");
      listed = io::read_path_list(list, spec.null_separated);
    }
    for (const fs::path& path : listed)
      add_path(path, false);
  }
  return collector.take();
}

std::string hash_inputs(const std::vector<BatchInput>& inputs) {
  std::uint64_t hash = fnv1a64("mirkit inputs 1\n");
  for (const BatchInput& input : inputs) {
    std::string record = input.key + '\0' + input.group + '\0';
    for (const std::string& label : input.labels)
      record += label + ';';
    record += '\0' + (input.start_s ? std::to_string(*input.start_s) : "-");
    record += '\0' + (input.duration_s ? std::to_string(*input.duration_s) : "-");
    // Only when set, so that the hash of a list without splits (a checkpoint's) is unchanged.
    if (!input.split.empty()) record += '\0' + input.split;
    record += '\n';
    hash = fnv1a64(record, hash);
  }
  return to_hex(hash);
}

Shard Shard::parse(const std::string& text) {
  const auto slash = text.find('/');
  Shard shard;
  const auto number = [&](std::string_view part, int& value) {
    const auto [end, code] = std::from_chars(part.data(), part.data() + part.size(), value);
    return code == std::errc() && end == part.data() + part.size();
  };
  if (slash == std::string::npos || !number(std::string_view(text).substr(0, slash), shard.index) ||
      !number(std::string_view(text).substr(slash + 1), shard.count) || shard.count < 1 ||
      shard.index < 0 || shard.index >= shard.count) {
    throw usage_error("--shard '" + text + "': expected I/N with 0 ≤ I < N (e.g. 0/4 … 3/4)");
  }
  return shard;
}

std::optional<Shard> Shard::from_environment() {
  const char* id = std::getenv("SLURM_ARRAY_TASK_ID");
  const char* count = std::getenv("SLURM_ARRAY_TASK_COUNT");
  if (!id || !count) return std::nullopt;
  const char* min = std::getenv("SLURM_ARRAY_TASK_MIN");
  const long index = std::strtol(id, nullptr, 10) - (min ? std::strtol(min, nullptr, 10) : 0);
  return parse(std::to_string(index) + "/" + count);
}

bool Shard::contains(const std::string& key) const {
  return fnv1a64(key) % static_cast<std::uint64_t>(count) == static_cast<std::uint64_t>(index);
}

InputFacts stat_input(const fs::path& path) {
  struct stat facts {};
  if (::stat(path.c_str(), &facts) != 0) {
    const int code = errno;
    throw Error(std::string("cannot read (") + std::strerror(code) + ")", ErrorKind::input,
                path.string(), "open");
  }
  if (S_ISDIR(facts.st_mode)) {
    throw Error("is a folder, not an audio file", ErrorKind::input, path.string(), "open");
  }
  return {static_cast<std::int64_t>(facts.st_size),
          static_cast<std::int64_t>(facts.st_mtim.tv_sec) * 1'000'000'000 + facts.st_mtim.tv_nsec};
}

}  // namespace mirkit::pipeline
