// Reading back what the plot library wrote: a PNG's size from its header, an SVG's from its
// root element, and how light a pixel is.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>

namespace mirkit::test {

// Width and height from the IHDR chunk; {0, 0} when `bytes` is not a PNG.
inline std::pair<int, int> png_size(const std::string& bytes) {
  static const std::string kSignature = "\x89PNG\r\n\x1a\n";
  if (bytes.size() < 24 || bytes.compare(0, 8, kSignature) != 0 || bytes.compare(12, 4, "IHDR"))
    return {0, 0};
  auto be32 = [&](std::size_t at) {
    return static_cast<int>(
        (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at])) << 24) |
        (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 1])) << 16) |
        (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 2])) << 8) |
        static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 3])));
  };
  return {be32(16), be32(20)};
}

// Width and height of the <svg> root element in pixels; {0, 0} when there is none. (Plain string
// search: GCC 12's std::regex trips -Wmaybe-uninitialized in the sanitizer build.)
inline std::pair<int, int> svg_size(const std::string& text) {
  const auto root = text.find("<svg");
  if (root == std::string::npos) return {0, 0};
  const std::string element = text.substr(root, text.find('>', root) - root);
  auto attribute = [&](const std::string& name) {
    const auto at = element.find(" " + name + "=\"");
    return at == std::string::npos ? 0 : std::atoi(element.c_str() + at + name.size() + 3);
  };
  return {attribute("width"), attribute("height")};
}

// Rec. 709 luma of an 0xAARRGGBB pixel, 0 … 1.
inline double luma(std::uint32_t argb) {
  const double r = ((argb >> 16) & 0xFF) / 255.0, g = ((argb >> 8) & 0xFF) / 255.0,
               b = (argb & 0xFF) / 255.0;
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

}  // namespace mirkit::test
