#include "mirkit/io/manifest.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>

#include "mirkit/core/error.hpp"
#include "mirkit/core/json.hpp"

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

// One CSV record (RFC 4180): fields split on commas, "quoted, fields" with "" for a quote, and
// quoted fields may span lines. Returns false at the end of the input.
bool read_csv_record(std::istream& in, std::vector<std::string>& fields, std::size_t& line,
                     const fs::path& file) {
  fields.clear();
  std::string field;
  bool quoted = false;
  bool any = false;
  char c;
  while (in.get(c)) {
    any = true;
    if (quoted) {
      if (c == '"') {
        if (in.peek() == '"') {
          in.get(c);
          field += '"';
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      ++line;
      if (!field.empty() && field.back() == '\r') field.pop_back();
      fields.push_back(std::move(field));
      return true;
    } else {
      field += c;
    }
  }
  if (quoted) throw ManifestError(file, line)("a quoted field is not closed");
  if (!any) return false;
  if (!field.empty() && field.back() == '\r') field.pop_back();
  fields.push_back(std::move(field));
  return true;
}

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

enum class Column { path, label, group, start, duration };

std::vector<Column> header_columns(const std::vector<std::string>& fields,
                                   const ManifestError& error) {
  std::vector<Column> columns;
  for (const std::string& field : fields) {
    const std::string name = lowercase(trim(field));
    if (name == "path" || name == "file") {
      columns.push_back(Column::path);
    } else if (name == "label" || name == "labels") {
      columns.push_back(Column::label);
    } else if (name == "group") {
      columns.push_back(Column::group);
    } else if (name == "start") {
      columns.push_back(Column::start);
    } else if (name == "duration") {
      columns.push_back(Column::duration);
    } else {
      throw error("unknown column '" + field + "' (known: path, label, group, start, duration)");
    }
  }
  return columns;
}

std::vector<ManifestEntry> read_csv(const fs::path& file, std::istream& in) {
  std::vector<ManifestEntry> entries;
  std::vector<Column> columns = {Column::path, Column::label, Column::group, Column::start,
                                 Column::duration};
  std::vector<std::string> fields;
  std::size_t line = 1;
  bool first = true;
  for (std::size_t at = line; read_csv_record(in, fields, line, file); at = line) {
    const ManifestError error(file, at);
    if (fields.size() == 1 && trim(fields[0]).empty()) continue;  // blank line
    if (first) {
      first = false;
      if (std::any_of(fields.begin(), fields.end(), [](const std::string& f) {
            return lowercase(trim(f)) == "path" || lowercase(trim(f)) == "file";
          })) {
        columns = header_columns(fields, error);
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
      }
    }
    if (entry.path.empty()) throw error("no path");
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::optional<double> json_seconds(const Json& value, const char* key, const ManifestError& error) {
  if (value.is_null()) return std::nullopt;
  if (!value.is_number() || !std::isfinite(value.get<double>()) || value.get<double>() < 0.0) {
    throw error(std::string("'") + key + "' must be a number of seconds ≥ 0");
  }
  return value.get<double>();
}

std::vector<ManifestEntry> read_jsonl(const fs::path& file, std::istream& in) {
  std::vector<ManifestEntry> entries;
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
      if (key == "path") {
        if (!value.is_string() || value.get<std::string>().empty()) {
          throw error("'path' must be a non-empty string");
        }
        entry.path = resolve(file, value.get<std::string>());
      } else if (key == "label" || key == "labels") {
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
      } else if (key == "group") {
        if (value.is_string()) {
          entry.group = value.get<std::string>();
        } else if (value.is_number_integer()) {
          entry.group = std::to_string(value.get<long long>());
        } else if (!value.is_null()) {
          throw error("'group' must be a string");
        }
      } else if (key == "start") {
        entry.start_s = json_seconds(value, "start", error);
      } else if (key == "duration") {
        entry.duration_s = json_seconds(value, "duration", error);
      } else {
        throw error("unknown key '" + key + "' (known: path, label, group, start, duration)");
      }
    }
    if (entry.path.empty()) throw error("no 'path'");
    entries.push_back(std::move(entry));
  }
  return entries;
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

std::vector<ManifestEntry> read_manifest(const fs::path& path) {
  std::error_code code;
  if (fs::is_directory(path, code))
    throw usage_error(path.string() + ": is a folder, not a manifest");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw usage_error("cannot open the manifest '" + path.string() + "'");
  return lowercase(path.extension().string()) == ".jsonl" ? read_jsonl(path, in)
                                                          : read_csv(path, in);
}

}  // namespace mirkit::io
