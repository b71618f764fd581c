// Reads the .npy files of the golden reference data (little-endian f4, f8 or i8, C order).
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace mirkit::test {

struct NpyArray {
  std::vector<std::size_t> shape;
  std::vector<double> values;  // every dtype widened to double, C order
};

NpyArray load_npy(const std::filesystem::path& path);

// tests/data/golden/<name>.npy
NpyArray load_golden(const std::string& name);
std::vector<float> load_golden_signal(const std::string& name);

}  // namespace mirkit::test
