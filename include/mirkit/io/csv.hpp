// Reading delimited text as spreadsheets and data sets write it: RFC 4180 records, with a comma or
// another separator (a tab for MagnaTagATune's annotations).
#pragma once

#include <cstddef>
#include <filesystem>
#include <istream>
#include <string>
#include <vector>

namespace mirkit::io {

// One record: fields split on `separator`, "quoted fields" with "" for a quote, and quoted fields
// may span lines; a trailing carriage return is dropped. `line` counts the lines read (for
// messages). Returns false at the end of the input; a quoted field left open is a usage Error
// naming `file` and the line.
bool read_csv_record(std::istream& in, std::vector<std::string>& fields, std::size_t& line,
                     const std::filesystem::path& file, char separator = ',');

}  // namespace mirkit::io
