#include "mirkit/io/hdf5_file.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "mirkit/core/error.hpp"

namespace mirkit::io {
namespace {

// An HDF5 identifier closed by its own close function when it goes out of scope.
class Id {
 public:
  Id(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~Id() {
    if (id_ >= 0) close_(id_);
  }
  Id(const Id&) = delete;
  Id& operator=(const Id&) = delete;
  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

// HDF5 prints a stack of errors to stderr by default; mirkit says one line itself.
void silence_hdf5() {
  static const bool silenced = [] {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return true;
  }();
  (void)silenced;
}

Error bad(const std::string& path, const std::string& cause) {
  return Error(cause, ErrorKind::input, path);
}

}  // namespace

struct Hdf5File::Handle {
  explicit Handle(hid_t id) : file(id, H5Fclose) {}
  Id file;
};

Hdf5File::Hdf5File(const std::filesystem::path& path) : path_(path.string()) {
  silence_hdf5();
  if (H5Fis_hdf5(path_.c_str()) <= 0) {
    throw bad(path_, "not an HDF5 file (or not readable)");
  }
  handle_ = std::make_unique<Handle>(H5Fopen(path_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  if (!handle_->file.valid()) throw bad(path_, "cannot open as HDF5");
}

Hdf5File::~Hdf5File() = default;
Hdf5File::Hdf5File(Hdf5File&&) noexcept = default;
Hdf5File& Hdf5File::operator=(Hdf5File&&) noexcept = default;

bool Hdf5File::has(const std::string& dataset) const {
  // Each link along the path must exist before the next is asked about.
  std::size_t at = 0;
  while ((at = dataset.find('/', at + 1)) != std::string::npos) {
    if (H5Lexists(handle_->file.get(), dataset.substr(0, at).c_str(), H5P_DEFAULT) <= 0)
      return false;
  }
  return H5Lexists(handle_->file.get(), dataset.c_str(), H5P_DEFAULT) > 0;
}

Hdf5File::Array Hdf5File::read(const std::string& dataset) const {
  const Id data(H5Dopen2(handle_->file.get(), dataset.c_str(), H5P_DEFAULT), H5Dclose);
  if (!data.valid()) throw bad(path_, "no dataset " + dataset);
  const Id space(H5Dget_space(data.get()), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0 || rank > 8) throw bad(path_, dataset + ": unreadable shape");
  Array array;
  array.shape.resize(static_cast<std::size_t>(rank));
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  std::size_t count = 1;
  for (int d = 0; d < rank; ++d) {
    array.shape[static_cast<std::size_t>(d)] = dims[static_cast<std::size_t>(d)];
    count *= dims[static_cast<std::size_t>(d)];
  }
  const Id type(H5Dget_type(data.get()), H5Tclose);
  const H5T_class_t kind = H5Tget_class(type.get());
  if (kind != H5T_FLOAT && kind != H5T_INTEGER) {
    throw bad(path_, dataset + " does not hold numbers");
  }
  array.values.resize(count);
  if (count > 0 && H5Dread(data.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                           array.values.data()) < 0) {
    throw bad(path_, dataset + ": cannot be read");
  }
  return array;
}

std::variant<std::string, double> Hdf5File::read_cell(const std::string& dataset,
                                                      const std::string& field,
                                                      std::uint64_t row) const {
  const Id data(H5Dopen2(handle_->file.get(), dataset.c_str(), H5P_DEFAULT), H5Dclose);
  if (!data.valid()) throw bad(path_, "no table " + dataset);
  const Id type(H5Dget_type(data.get()), H5Tclose);
  const int member = H5Tget_class(type.get()) == H5T_COMPOUND
                         ? H5Tget_member_index(type.get(), field.c_str())
                         : -1;
  if (member < 0) throw bad(path_, dataset + " has no field '" + field + "'");
  const Id space(H5Dget_space(data.get()), H5Sclose);
  hsize_t rows = 0;
  if (H5Sget_simple_extent_ndims(space.get()) != 1) {
    throw bad(path_, dataset + " is not a table of rows");
  }
  H5Sget_simple_extent_dims(space.get(), &rows, nullptr);
  if (row >= rows) {
    throw bad(path_,
              dataset + " has " + std::to_string(rows) + " rows, not " + std::to_string(row + 1));
  }
  const Id member_type(H5Tget_member_type(type.get(), static_cast<unsigned>(member)), H5Tclose);
  const H5T_class_t kind = H5Tget_class(member_type.get());
  // A memory type holding only the wanted field; HDF5 converts it row by row.
  const bool text = kind == H5T_STRING;
  if (!text && kind != H5T_FLOAT && kind != H5T_INTEGER) {
    throw bad(path_, dataset + "." + field + " is neither text nor a number");
  }
  const std::size_t width = text ? H5Tget_size(member_type.get()) : sizeof(double);
  const Id value_type(text ? H5Tcopy(H5T_C_S1) : H5Tcopy(H5T_NATIVE_DOUBLE), H5Tclose);
  if (text) H5Tset_size(value_type.get(), width);
  const Id memory(H5Tcreate(H5T_COMPOUND, width), H5Tclose);
  H5Tinsert(memory.get(), field.c_str(), 0, value_type.get());
  std::vector<char> buffer(static_cast<std::size_t>(rows) * width);
  if (H5Dread(data.get(), memory.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()) < 0) {
    throw bad(path_, dataset + "." + field + ": cannot be read");
  }
  const char* at = buffer.data() + row * width;
  if (!text) {
    double number = 0;
    std::memcpy(&number, at, sizeof number);
    return number;
  }
  std::string value(at, width);
  value.erase(std::min(value.find('\0'), value.size()));
  while (!value.empty() && value.back() == ' ')
    value.pop_back();
  return value;
}

std::string Hdf5File::read_field(const std::string& dataset, const std::string& field,
                                 std::uint64_t row) const {
  std::variant<std::string, double> cell = read_cell(dataset, field, row);
  if (const double* number = std::get_if<double>(&cell)) {
    char shown[32];
    std::snprintf(shown, sizeof shown, "%.17g", *number);
    return shown;
  }
  return std::get<std::string>(std::move(cell));
}

double Hdf5File::read_number(const std::string& dataset, const std::string& field,
                             std::uint64_t row) const {
  const std::variant<std::string, double> cell = read_cell(dataset, field, row);
  if (const double* number = std::get_if<double>(&cell)) return *number;
  throw bad(path_, dataset + "." + field + " is text, not a number");
}

}  // namespace mirkit::io
