#include "mirkit/io/csv.hpp"

#include "mirkit/core/error.hpp"

namespace mirkit::io {

bool read_csv_record(std::istream& in, std::vector<std::string>& fields, std::size_t& line,
                     const std::filesystem::path& file, char separator) {
  fields.clear();
  std::string field;
  bool quoted = false;
  bool any = false;
  const std::size_t first_line = line + 1;
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
    } else if (c == separator) {
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
  if (quoted) {
    throw usage_error(file.string() + ":" + std::to_string(first_line) +
                      ": a quoted field is not closed");
  }
  if (!any) return false;
  if (!field.empty() && field.back() == '\r') field.pop_back();
  fields.push_back(std::move(field));
  return true;
}

}  // namespace mirkit::io
