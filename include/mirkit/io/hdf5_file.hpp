// Reading HDF5 files (the Million Song Dataset's per-track files): numeric datasets as doubles and
// the string or number fields of a table (a compound dataset), by path. Read-only; HDF5's own
// error printing is silenced and every failure is an input Error naming the file and the path.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace mirkit::io {

class Hdf5File {
 public:
  // Throws an input Error naming `path` when it is not a readable HDF5 file.
  explicit Hdf5File(const std::filesystem::path& path);
  ~Hdf5File();
  Hdf5File(Hdf5File&&) noexcept;
  Hdf5File& operator=(Hdf5File&&) noexcept;

  struct Array {
    std::vector<double> values;  // row-major
    std::vector<std::uint64_t> shape;
  };
  // A numeric dataset ("/analysis/segments_timbre"), converted to double.
  Array read(const std::string& dataset) const;
  // One field of row `row` of a compound dataset ("/metadata/songs", "artist_id"): text as
  // stored (a fixed-length string, its padding removed); a number is written as text.
  std::string read_field(const std::string& dataset, const std::string& field,
                         std::uint64_t row = 0) const;
  // The same field as a number; a text field is an input Error naming it.
  double read_number(const std::string& dataset, const std::string& field,
                     std::uint64_t row = 0) const;
  bool has(const std::string& dataset) const;

 private:
  struct Handle;
  // One field of one row as stored: text, or a number (converted to double).
  std::variant<std::string, double> read_cell(const std::string& dataset, const std::string& field,
                                              std::uint64_t row) const;

  std::unique_ptr<Handle> handle_;
  std::string path_;
};

}  // namespace mirkit::io
