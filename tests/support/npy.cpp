#include "support/npy.hpp"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace mirkit::test {

NpyArray load_npy(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  char magic[8];
  in.read(magic, 8);
  if (std::memcmp(magic, "\x93NUMPY", 6) != 0)
    throw std::runtime_error("not .npy: " + path.string());
  std::uint32_t header_length = 0;
  if (magic[6] == 1) {
    std::uint16_t short_length = 0;
    in.read(reinterpret_cast<char*>(&short_length), 2);
    header_length = short_length;
  } else {
    in.read(reinterpret_cast<char*>(&header_length), 4);
  }
  std::string header(header_length, '\0');
  in.read(header.data(), header_length);

  // The header is a Python dict literal: {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4),
  // }
  auto field = [&](const std::string& key) {
    const std::size_t at = header.find("'" + key + "':");
    if (at == std::string::npos) throw std::runtime_error("no " + key + " in " + path.string());
    return header.substr(at + key.size() + 3);
  };
  const std::string descr = field("descr");
  const std::size_t quote = descr.find('\'');
  const char kind = descr.at(quote + 2);
  const int width = descr.at(quote + 3) - '0';
  if (descr.at(quote + 1) == '>') throw std::runtime_error("big-endian .npy: " + path.string());
  const std::string order = field("fortran_order");
  const bool fortran = order.find("True") < order.find(',');
  NpyArray array;
  const std::string shape = field("shape");
  std::size_t at = shape.find('(') + 1;
  const std::size_t close = shape.find(')');
  while (at < close) {
    std::size_t used = 0;
    array.shape.push_back(std::stoul(shape.substr(at, close - at), &used));
    at += used;
    while (at < close && (shape[at] == ',' || shape[at] == ' '))
      ++at;
  }
  std::size_t count = 1;
  for (std::size_t d : array.shape)
    count *= d;

  std::vector<char> raw(count * static_cast<std::size_t>(width));
  in.read(raw.data(), static_cast<std::streamsize>(raw.size()));
  if (static_cast<std::size_t>(in.gcount()) != raw.size()) {
    throw std::runtime_error("truncated .npy: " + path.string());
  }
  array.values.resize(count);
  for (std::size_t i = 0; i < count; ++i) {
    const char* p = raw.data() + i * static_cast<std::size_t>(width);
    if (kind == 'f' && width == 4) {
      float v;
      std::memcpy(&v, p, 4);
      array.values[i] = v;
    } else if (kind == 'f' && width == 8) {
      std::memcpy(&array.values[i], p, 8);
    } else if (kind == 'i' && width == 8) {
      std::int64_t v;
      std::memcpy(&v, p, 8);
      array.values[i] = static_cast<double>(v);
    } else {
      throw std::runtime_error("unsupported dtype in " + path.string());
    }
  }
  if (fortran && array.shape.size() == 2) {  // column-major on disk: transpose to C order
    const std::size_t rows = array.shape[0], cols = array.shape[1];
    std::vector<double> c_order(count);
    for (std::size_t r = 0; r < rows; ++r) {
      for (std::size_t c = 0; c < cols; ++c)
        c_order[r * cols + c] = array.values[c * rows + r];
    }
    array.values = std::move(c_order);
  } else if (fortran && array.shape.size() > 2) {
    throw std::runtime_error("Fortran order above 2-D not supported: " + path.string());
  }
  return array;
}

NpyArray load_golden(const std::string& name) {
  return load_npy(std::filesystem::path(MIRKIT_GOLDEN_DIR) / (name + ".npy"));
}

std::vector<float> load_golden_signal(const std::string& name) {
  const NpyArray array = load_golden(name);
  return {array.values.begin(), array.values.end()};
}

}  // namespace mirkit::test
