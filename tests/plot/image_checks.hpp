// Reading back what the plot library wrote: a PNG decoded by cairo, an SVG's size from its root
// element (cairo reads no SVG; librsvg would be a dependency for the tests alone), and how light a
// pixel is.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>

namespace mirkit::test {

// Width and height of a PNG decoded whole by cairo (libpng underneath: every chunk's CRC, the
// compressed pixels inflated), not read from its header alone; {0, 0} when it does not decode.
std::pair<int, int> png_size(const std::string& bytes);

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
