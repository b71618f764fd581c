#include "mirkit/io/manifest.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>

#include "mirkit/core/error.hpp"
#include "mirkit/core/json.hpp"
#include "mirkit/core/params.hpp"
#include "mirkit/io/csv.hpp"

namespace mirkit::io {
namespace fs = std::filesystem;
namespace {

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

class ManifestError {
 public:
  ManifestError(const fs::path& file, std::size_t line) : file_(file.string()), line_(line) {}
  Error operator()(const std::string& cause) const {
    return usage_error(file_ + ":" + std::to_string(line_) + ": " + cause);
  }

 private:
  std::string file_;
  std::size_t line_;
};

std::optional<double> parse_seconds(const std::string& text, const char* column,
                                    const ManifestError& error) {
  const std::string value = trim(text);
  if (value.empty()) return std::nullopt;
  double seconds = 0.0;
  const auto [end, code] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (code != std::errc() || end != value.data() + value.size() || !std::isfinite(seconds) ||
      seconds < 0.0) {
    throw error(std::string("'") + column + "' is not a number of seconds ≥ 0: '" + value + "'");
  }
  return seconds;
}

fs::path resolve(const fs::path& manifest, const std::string& path) {
  const fs::path entry(path);
  return entry.is_absolute() ? entry : manifest.parent_path() / entry;
}

enum class Column { path, label, group, start, duration, split, ignored };

// The names a column or key is read by, each with what it holds.
const std::vector<std::pair<std::string, Column>>& column_names() {
  static const std::vector<std::pair<std::string, Column>> names = {
      {"path", Column::path},    {"file", Column::path},         {"label", Column::label},
      {"labels", Column::label}, {"tags", Column::label},        {"group", Column::group},
      {"start", Column::start},  {"duration", Column::duration}, {"split", Column::split}};
  return names;
}

constexpr const char* kKnownColumns = "path, label (or tags), group, start, duration, split";

std::string read_split(const std::string& value, const ManifestError& error) {
  if (trim(value).empty()) return {};
  std::string split = canonical_split(value);
  if (split.empty()) {
    throw error("'split' is '" + value + "'; it takes train, validation or test (or empty)");
  }
  return split;
}

// A known column; an unknown one is ignored (and recorded once in `ignored`), unless it is a
// likely misspelling of a known one: then ignoring it would silently drop what it holds.
Column column_of(const std::string& given, const ManifestError& error, const char* what,
                 std::vector<std::string>& ignored) {
  const std::string name = lowercase(trim(given));
  for (const auto& [known_name, column] : column_names())
    if (name == known_name) return column;
  // A JSONL key comes again on every line: judged once.
  if (std::find(ignored.begin(), ignored.end(), given) != ignored.end()) return Column::ignored;
  std::vector<std::string> known;
  for (const auto& [known_name, column] : column_names())
    known.push_back(known_name);
  if (auto near = closest_name(name, known)) {
    throw error(std::string("unknown ") + what + " '" + given + "' (did you mean '" + *near +
                "'?); known: " + kKnownColumns);
  }
  ignored.push_back(given);
  return Column::ignored;
}

std::vector<Column> header_columns(const std::vector<std::string>& fields,
                                   const ManifestError& error, std::vector<std::string>& ignored) {
  std::vector<Column> columns;
  for (const std::string& field : fields)
    columns.push_back(column_of(field, error, "column", ignored));
  return columns;
}

// Skips lines that start with '#' (notes, such as those `mirkit dataset` writes); returns the
// line the next record starts on.
std::size_t skip_comments(std::istream& in, std::size_t& line) {
  while (in.peek() == '#') {
    in.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
    ++line;
  }
  return line;
}

Manifest read_csv(const fs::path& file, std::istream& in) {
  Manifest manifest;
  std::vector<ManifestEntry>& entries = manifest.entries;
  std::vector<Column> columns = {Column::path, Column::label, Column::group, Column::start,
                                 Column::duration};
  std::vector<std::string> fields;
  std::size_t line = 1;
  bool first = true;
  for (std::size_t at = skip_comments(in, line); read_csv_record(in, fields, line, file);
       at = skip_comments(in, line)) {
    const ManifestError error(file, at);
    if (fields.size() == 1 && trim(fields[0]).empty()) continue;  // blank line
    if (first) {
      first = false;
      if (std::any_of(fields.begin(), fields.end(), [](const std::string& f) {
            return lowercase(trim(f)) == "path" || lowercase(trim(f)) == "file";
          })) {
        columns = header_columns(fields, error, manifest.ignored);
        if (std::count(columns.begin(), columns.end(), Column::path) != 1) {
          throw error("the header must name exactly one 'path' column");
        }
        continue;
      }
    }
    if (fields.size() > columns.size()) {
      throw error(std::to_string(fields.size()) + " fields, but only " +
                  std::to_string(columns.size()) +
                  " columns (path,label,group,start,duration); quote paths holding commas");
    }
    ManifestEntry entry;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      switch (columns[i]) {
        case Column::path:
          if (fields[i].empty()) throw error("empty path");
          entry.path = resolve(file, fields[i]);
          break;
        case Column::label:
          entry.labels = split_labels(fields[i]);
          break;
        case Column::group:
          entry.group = trim(fields[i]);
          break;
        case Column::start:
          entry.start_s = parse_seconds(fields[i], "start", error);
          break;
        case Column::duration:
          entry.duration_s = parse_seconds(fields[i], "duration", error);
          break;
        case Column::split:
          entry.split = read_split(fields[i], error);
          break;
        case Column::ignored:
          break;
      }
    }
    if (entry.path.empty()) throw error("no path");
    entries.push_back(std::move(entry));
  }
  return manifest;
}

std::optional<double> json_seconds(const Json& value, const char* key, const ManifestError& error) {
  if (value.is_null()) return std::nullopt;
  if (!value.is_number() || !std::isfinite(value.get<double>()) || value.get<double>() < 0.0) {
    throw error(std::string("'") + key + "' must be a number of seconds ≥ 0");
  }
  return value.get<double>();
}

Manifest read_jsonl(const fs::path& file, std::istream& in) {
  Manifest manifest;
  std::vector<ManifestEntry>& entries = manifest.entries;
  std::string text;
  for (std::size_t line = 1; std::getline(in, text); ++line) {
    const ManifestError error(file, line);
    if (trim(text).empty() || trim(text) == "\r") continue;
    Json record;
    try {
      record = Json::parse(text);
    } catch (const Json::exception& e) {
      throw error(std::string("not valid JSON (") + e.what() + ")");
    }
    if (!record.is_object()) throw error("each line must be a JSON object");
    ManifestEntry entry;
    for (const auto& [key, value] : record.items()) {
      const Column column = column_of(key, error, "key", manifest.ignored);
      if (column == Column::path) {
        if (!value.is_string() || value.get<std::string>().empty()) {
          throw error("'path' must be a non-empty string");
        }
        entry.path = resolve(file, value.get<std::string>());
      } else if (column == Column::label) {
        if (value.is_string()) {
          entry.labels = split_labels(value.get<std::string>());
        } else if (value.is_array()) {
          for (const Json& label : value) {
            if (!label.is_string()) throw error("'" + key + "' lists a value that is no string");
            if (!trim(label.get<std::string>()).empty())
              entry.labels.push_back(trim(label.get<std::string>()));
          }
        } else if (!value.is_null()) {
          throw error("'" + key + "' must be a string or a list of strings");
        }
      } else if (column == Column::group) {
        if (value.is_string()) {
          entry.group = value.get<std::string>();
        } else if (value.is_number_integer()) {
          entry.group = std::to_string(value.get<long long>());
        } else if (!value.is_null()) {
          throw error("'group' must be a string");
        }
      } else if (column == Column::start) {
        entry.start_s = json_seconds(value, "start", error);
      } else if (column == Column::duration) {
        entry.duration_s = json_seconds(value, "duration", error);
      } else if (column == Column::split) {
        if (!value.is_string() && !value.is_null()) throw error("'split' must be a string");
        if (value.is_string()) entry.split = read_split(value.get<std::string>(), error);
      }
    }
    if (entry.path.empty()) throw error("no 'path'");
    entries.push_back(std::move(entry));
  }
  return manifest;
}

}  // namespace

bool is_manifest(const fs::path& path) {
  const std::string ending = lowercase(path.extension().string());
  return ending == ".csv" || ending == ".jsonl";
}

std::vector<std::string> split_labels(const std::string& text) {
  std::vector<std::string> labels;
  std::size_t begin = 0;
  while (begin <= text.size()) {
    std::size_t end = text.find(';', begin);
    if (end == std::string::npos) end = text.size();
    std::string label = trim(text.substr(begin, end - begin));
    if (!label.empty()) labels.push_back(std::move(label));
    begin = end + 1;
  }
  return labels;
}

std::string canonical_split(const std::string& name) {
  const std::string split = lowercase(trim(name));
  if (split == "train" || split == "training") return "train";
  if (split == "validation" || split == "valid" || split == "val" || split == "dev")
    return "validation";
  if (split == "test") return "test";
  return {};
}

std::string ignored_columns_note(const std::vector<std::string>& ignored) {
  std::string names;
  for (const std::string& name : ignored)
    names += (names.empty() ? "'" : ", '") + name + "'";
  return std::string(ignored.size() == 1 ? "ignoring the column " : "ignoring the columns ") +
         names + " (mirkit reads " + kKnownColumns + ")";
}

Manifest read_manifest(const fs::path& path) {
  std::error_code code;
  if (fs::is_directory(path, code))
    throw usage_error(path.string() + ": is a folder, not a manifest");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw usage_error("cannot open the manifest '" + path.string() + "'");
  return lowercase(path.extension().string()) == ".jsonl" ? read_jsonl(path, in)
                                                          : read_csv(path, in);
}

}  // namespace mirkit::io
