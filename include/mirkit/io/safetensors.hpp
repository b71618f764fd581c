// The container of every mirkit artifact: the safetensors layout (an 8-byte little-endian header
// length, a JSON header naming each tensor's dtype, shape and byte range, then the raw
// little-endian tensors), so Python, Rust or JS read our files without mirkit. The header's
// `__metadata__` holds one key, `mirkit`, whose value is a JSON document (as a string).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "mirkit/core/json.hpp"

namespace mirkit::io {

enum class DType { f32, f64, i64, i32, u8 };

// "F32", "F64", "I64", "I32", "U8": the safetensors spelling.
std::string to_string(DType dtype);
std::size_t dtype_size(DType dtype);

// One tensor: its shape (row-major, outermost first) and its bytes, little-endian.
struct Tensor {
  DType dtype = DType::f32;
  std::vector<std::int64_t> shape;
  std::vector<std::byte> bytes;

  std::int64_t elements() const;

  static Tensor from_floats(std::vector<std::int64_t> shape, std::span<const float> values);
  static Tensor from_doubles(std::vector<std::int64_t> shape, std::span<const double> values);
  static Tensor from_int64(std::vector<std::int64_t> shape, std::span<const std::int64_t> values);
  static Tensor from_int32(std::vector<std::int64_t> shape, std::span<const std::int32_t> values);

  // The values, converted from the stored dtype where that is exact (f32 → double, i32 → i64);
  // any other dtype is an input Error naming `what` (the tensor's name).
  std::vector<float> to_floats(const std::string& what = "tensor") const;
  std::vector<double> to_doubles(const std::string& what = "tensor") const;
  std::vector<std::int64_t> to_int64(const std::string& what = "tensor") const;
};

struct TensorFile {
  Json metadata = Json::object();         // the `mirkit` document
  std::map<std::string, Tensor> tensors;  // by name: written in name order
};

// The file's bytes. Tensors are laid out in name order, each at an 8-byte aligned offset, and the
// header is padded with spaces to a multiple of 8: the same TensorFile always gives the same bytes.
std::string encode_safetensors(const TensorFile& file);

// A tensor's entry in a header written before its data (a file written in parts).
struct TensorLayout {
  std::string name;
  DType dtype = DType::f32;
  std::vector<std::int64_t> shape;
};
// The bytes before the data section (header length, header) of a file whose tensors' data follow
// in the order given, with no gaps: what encode_safetensors starts with, for a writer that
// streams the data (a feature file assembled from its checkpoint).
std::string encode_safetensors_header(const Json& metadata,
                                      const std::vector<TensorLayout>& tensors);
// The same with the metadata already as one line of JSON (to_json_line's form): a document too
// large to hold as a Json tree (a feature file's items) is written as text.
std::string encode_safetensors_header(std::string metadata_line,
                                      const std::vector<TensorLayout>& tensors);

// Parses and checks the bytes: header length within the file, valid JSON, known dtypes, shapes
// that match the byte ranges, ranges inside the data and not overlapping. `where` (the file name)
// is in every error, which is an input Error saying what is wrong.
TensorFile decode_safetensors(std::span<const std::byte> bytes, const std::string& where);

// Writes atomically (write_file_atomically).
void write_safetensors(const std::filesystem::path& path, const TensorFile& file);
TensorFile read_safetensors(const std::filesystem::path& path);

// Only the header: metadata and tensor shapes without reading the data (for `mirkit info`).
// The tensors come back with empty bytes.
TensorFile read_safetensors_header(const std::filesystem::path& path);
// The header, with where each tensor's bytes lie in the file ([begin, end) from its start), for
// a reader that fetches only the parts it needs.
struct TensorIndex {
  TensorFile file;  // metadata and shapes; empty bytes
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> ranges;
};
TensorIndex read_safetensors_index(const std::filesystem::path& path);

}  // namespace mirkit::io
