#include "mirkit/io/safetensors.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <fstream>
#include <limits>

#include "mirkit/core/error.hpp"
#include "mirkit/core/file_io.hpp"

namespace mirkit::io {
namespace {

static_assert(std::endian::native == std::endian::little,
              "safetensors is little-endian; a big-endian host needs byte swaps here");

// A header longer than this is not a mirkit file (ours are a few kB to a few MB: the item list).
constexpr std::uint64_t kMaxHeaderBytes = std::uint64_t{1} << 30;

struct DTypeName {
  DType dtype;
  const char* name;
  std::size_t size;
};
constexpr DTypeName kDTypes[] = {
    {DType::f32, "F32", 4}, {DType::f64, "F64", 8}, {DType::i64, "I64", 8},
    {DType::i32, "I32", 4}, {DType::u8, "U8", 1},
};

const DTypeName& describe(DType dtype) {
  for (const DTypeName& entry : kDTypes)
    if (entry.dtype == dtype) return entry;
  throw fatal_error("unknown dtype");
}

Error bad_file(const std::string& where, const std::string& cause) {
  return Error("not a valid safetensors file: " + cause).with_file(where);
}

template <typename T>
Tensor make_tensor(DType dtype, std::vector<std::int64_t> shape, std::span<const T> values) {
  Tensor tensor;
  tensor.dtype = dtype;
  tensor.shape = std::move(shape);
  if (tensor.elements() != static_cast<std::int64_t>(values.size())) {
    throw fatal_error("tensor shape does not match its " + std::to_string(values.size()) +
                      " values");
  }
  tensor.bytes.resize(values.size_bytes());
  if (!values.empty()) std::memcpy(tensor.bytes.data(), values.data(), values.size_bytes());
  return tensor;
}

template <typename T>
std::vector<T> copy_values(const Tensor& tensor) {
  std::vector<T> values(tensor.bytes.size() / sizeof(T));
  if (!values.empty()) std::memcpy(values.data(), tensor.bytes.data(), tensor.bytes.size());
  return values;
}

Error wrong_dtype(const Tensor& tensor, const std::string& what, const char* wanted) {
  return Error(what + " is " + to_string(tensor.dtype) + ", expected " + wanted);
}

// Parses the JSON header into metadata and tensor descriptions; `data_bytes` is the size of the
// data section, or max() when only the header was read (ranges are then not checked against it).
struct Parsed {
  TensorFile file;
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> ranges;
};

Parsed parse_header(std::string_view text, std::uint64_t data_bytes, const std::string& where) {
  Json header;
  try {
    header = Json::parse(text);
  } catch (const Json::exception& error) {
    throw bad_file(where, std::string("header is not JSON (") + error.what() + ")");
  }
  if (!header.is_object()) throw bad_file(where, "header is not a JSON object");
  Parsed parsed;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> spans;
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") {
      if (!entry.is_object()) throw bad_file(where, "__metadata__ is not an object");
      const auto mirkit = entry.find("mirkit");
      if (mirkit == entry.end()) continue;
      if (!mirkit->is_string()) throw bad_file(where, "__metadata__.mirkit is not a string");
      try {
        parsed.file.metadata = Json::parse(mirkit->get<std::string>());
      } catch (const Json::exception& error) {
        throw bad_file(where, std::string("metadata is not JSON (") + error.what() + ")");
      }
      continue;
    }
    const std::string at = "tensor '" + name + "'";
    if (!entry.is_object() || !entry.contains("dtype") || !entry.contains("shape") ||
        !entry.contains("data_offsets")) {
      throw bad_file(where, at + " lacks dtype, shape or data_offsets");
    }
    Tensor tensor;
    const Json& dtype = entry["dtype"];
    const auto known = std::find_if(std::begin(kDTypes), std::end(kDTypes), [&](const auto& d) {
      return dtype.is_string() && dtype.get<std::string>() == d.name;
    });
    if (known == std::end(kDTypes)) {
      throw bad_file(where, at + " has an unsupported dtype " + dtype.dump() +
                                " (mirkit reads F32, F64, I64, I32, U8)");
    }
    tensor.dtype = known->dtype;
    const Json& shape = entry["shape"];
    if (!shape.is_array()) throw bad_file(where, at + ": shape is not a list");
    std::uint64_t elements = 1;
    for (const Json& extent : shape) {
      if (!extent.is_number_unsigned()) {
        throw bad_file(where, at + ": shape holds a non-integer or negative extent");
      }
      const std::uint64_t value = extent.get<std::uint64_t>();
      // Each extent on its own too: after a 0 the product stays 0, and an extent past int64
      // would come back negative from Tensor::shape.
      if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) ||
          (value != 0 && elements > std::numeric_limits<std::uint64_t>::max() / 8 / value)) {
        throw bad_file(where, at + ": shape is too large");
      }
      elements *= value;
      tensor.shape.push_back(static_cast<std::int64_t>(value));
    }
    const Json& offsets = entry["data_offsets"];
    if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
        !offsets[1].is_number_unsigned()) {
      throw bad_file(where, at + ": data_offsets is not a pair of byte offsets");
    }
    const std::uint64_t begin = offsets[0].get<std::uint64_t>();
    const std::uint64_t end = offsets[1].get<std::uint64_t>();
    if (begin > end || end > data_bytes) {
      throw bad_file(where, at + " lies outside the file (truncated?)");
    }
    if (end - begin != elements * known->size) {
      throw bad_file(where, at + ": its shape needs " + std::to_string(elements * known->size) +
                                " bytes, its range holds " + std::to_string(end - begin));
    }
    spans.emplace_back(begin, end);
    parsed.ranges[name] = {begin, end};
    parsed.file.tensors.emplace(name, std::move(tensor));
  }
  std::sort(spans.begin(), spans.end());
  for (std::size_t i = 1; i < spans.size(); ++i) {
    if (spans[i].first < spans[i - 1].second) throw bad_file(where, "two tensors overlap");
  }
  return parsed;
}

std::uint64_t read_length(std::span<const std::byte> bytes) {
  std::uint64_t length = 0;
  std::memcpy(&length, bytes.data(), sizeof(length));
  return length;
}

}  // namespace

std::string to_string(DType dtype) {
  return describe(dtype).name;
}
std::size_t dtype_size(DType dtype) {
  return describe(dtype).size;
}

std::int64_t Tensor::elements() const {
  std::int64_t count = 1;
  for (const std::int64_t extent : shape)
    count *= extent;
  return count;
}

Tensor Tensor::from_floats(std::vector<std::int64_t> shape, std::span<const float> values) {
  return make_tensor(DType::f32, std::move(shape), values);
}
Tensor Tensor::from_doubles(std::vector<std::int64_t> shape, std::span<const double> values) {
  return make_tensor(DType::f64, std::move(shape), values);
}
Tensor Tensor::from_int64(std::vector<std::int64_t> shape, std::span<const std::int64_t> values) {
  return make_tensor(DType::i64, std::move(shape), values);
}
Tensor Tensor::from_int32(std::vector<std::int64_t> shape, std::span<const std::int32_t> values) {
  return make_tensor(DType::i32, std::move(shape), values);
}

std::vector<float> Tensor::to_floats(const std::string& what) const {
  if (dtype != DType::f32) throw wrong_dtype(*this, what, "F32");
  return copy_values<float>(*this);
}

std::vector<double> Tensor::to_doubles(const std::string& what) const {
  if (dtype == DType::f64) return copy_values<double>(*this);
  if (dtype == DType::f32) {
    const std::vector<float> values = copy_values<float>(*this);
    return {values.begin(), values.end()};
  }
  throw wrong_dtype(*this, what, "F64 or F32");
}

std::vector<std::int64_t> Tensor::to_int64(const std::string& what) const {
  if (dtype == DType::i64) return copy_values<std::int64_t>(*this);
  if (dtype == DType::i32) {
    const std::vector<std::int32_t> values = copy_values<std::int32_t>(*this);
    return {values.begin(), values.end()};
  }
  throw wrong_dtype(*this, what, "I64 or I32");
}

std::string encode_safetensors_header(const Json& metadata,
                                      const std::vector<TensorLayout>& tensors) {
  return encode_safetensors_header(std::string(to_json_line(metadata)), tensors);
}

std::string encode_safetensors_header(std::string metadata_line,
                                      const std::vector<TensorLayout>& tensors) {
  Json header = Json::object();
  header["__metadata__"] = {{"mirkit", std::move(metadata_line)}};
  std::uint64_t offset = 0;
  for (const TensorLayout& tensor : tensors) {
    std::int64_t elements = 1;
    for (const std::int64_t extent : tensor.shape)
      elements *= extent;
    const auto bytes = static_cast<std::uint64_t>(elements) * dtype_size(tensor.dtype);
    // No padding between tensors: the format forbids holes in the data section.
    header[tensor.name] = {{"dtype", to_string(tensor.dtype)},
                           {"shape", tensor.shape},
                           {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  std::string text = to_json_line(header);
  text.append((8 - text.size() % 8) % 8, ' ');  // so the data section starts 8-byte aligned
  std::string out;
  const std::uint64_t length = text.size();
  out.append(reinterpret_cast<const char*>(&length), sizeof(length));
  return out += text;
}

std::string encode_safetensors(const TensorFile& file) {
  std::vector<TensorLayout> layouts;
  std::size_t data_bytes = 0;
  for (const auto& [name, tensor] : file.tensors) {
    if (static_cast<std::int64_t>(tensor.bytes.size()) !=
        tensor.elements() * static_cast<std::int64_t>(dtype_size(tensor.dtype))) {
      throw fatal_error("tensor '" + name + "': bytes do not match its shape");
    }
    layouts.push_back({name, tensor.dtype, tensor.shape});
    data_bytes += tensor.bytes.size();
  }
  std::string out = encode_safetensors_header(file.metadata, layouts);
  out.reserve(out.size() + data_bytes);
  for (const auto& [name, tensor] : file.tensors) {
    out.append(reinterpret_cast<const char*>(tensor.bytes.data()), tensor.bytes.size());
  }
  return out;
}

TensorFile decode_safetensors(std::span<const std::byte> bytes, const std::string& where) {
  if (bytes.size() < 8) {
    throw bad_file(where, "shorter than the 8-byte header length (" + std::to_string(bytes.size()) +
                              " bytes)");
  }
  const std::uint64_t length = read_length(bytes);
  if (length > bytes.size() - 8 || length > kMaxHeaderBytes) {
    throw bad_file(where, "header length " + std::to_string(length) +
                              " does not fit in the file (truncated?)");
  }
  const std::span<const std::byte> data = bytes.subspan(8 + length);
  Parsed parsed =
      parse_header(std::string_view(reinterpret_cast<const char*>(bytes.data() + 8), length),
                   data.size(), where);
  for (auto& [name, tensor] : parsed.file.tensors) {
    const auto [begin, end] = parsed.ranges.at(name);
    tensor.bytes.assign(data.begin() + static_cast<std::ptrdiff_t>(begin),
                        data.begin() + static_cast<std::ptrdiff_t>(end));
  }
  return std::move(parsed.file);
}

void write_safetensors(const std::filesystem::path& path, const TensorFile& file) {
  write_file_atomically(path, encode_safetensors(file));
}

TensorFile read_safetensors(const std::filesystem::path& path) {
  const std::string bytes = read_file(path);
  return decode_safetensors(
      std::span<const std::byte>(reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()),
      path.string());
}

TensorFile read_safetensors_header(const std::filesystem::path& path) {
  return read_safetensors_index(path).file;
}

TensorIndex read_safetensors_index(const std::filesystem::path& path) {
  std::error_code code;
  if (std::filesystem::is_directory(path, code)) {
    throw Error("is a folder, not a file").with_file(path.string());
  }
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw Error("cannot open (" + std::string(std::strerror(errno)) + ")").with_file(path.string());
  const std::string where = path.string();
  std::byte prefix[8];
  if (!in.read(reinterpret_cast<char*>(prefix), 8)) {
    throw bad_file(where, "shorter than the 8-byte header length");
  }
  const std::uint64_t length = read_length(prefix);
  const std::uint64_t file_size = std::filesystem::file_size(path);
  if (length > file_size - 8 || length > kMaxHeaderBytes) {
    throw bad_file(where, "header length " + std::to_string(length) +
                              " does not fit in the file (truncated?)");
  }
  std::string text(length, '\0');
  if (!in.read(text.data(), static_cast<std::streamsize>(length))) {
    throw bad_file(where, "header is truncated");
  }
  Parsed parsed = parse_header(text, file_size - 8 - length, where);
  TensorIndex index{std::move(parsed.file), {}};
  for (const auto& [name, range] : parsed.ranges)
    index.ranges[name] = {8 + length + range.first, 8 + length + range.second};
  return index;
}

}  // namespace mirkit::io
