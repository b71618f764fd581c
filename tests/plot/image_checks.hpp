// Reading back what the plot library wrote: a PNG decoded by cairo, an SVG parsed and drawn onto
// a cairo surface by librsvg (cairo reads no SVG; librsvg, Debian's SVG renderer, is a dependency
// of the tests alone), and how light a pixel is.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

namespace mirkit::test {

// Width and height of a PNG decoded whole by cairo (libpng underneath: every chunk's CRC, the
// compressed pixels inflated), not read from its header alone; {0, 0} when it does not decode.
std::pair<int, int> png_size(const std::string& bytes);

// Width and height of an SVG parsed whole and drawn onto a cairo image surface by librsvg (every
// element rendered, not its root element read); {0, 0} when it does not parse or draw.
std::pair<int, int> svg_size(const std::string& text);

// Rec. 709 luma of an 0xAARRGGBB pixel, 0 … 1.
inline double luma(std::uint32_t argb) {
  const double r = ((argb >> 16) & 0xFF) / 255.0, g = ((argb >> 8) & 0xFF) / 255.0,
               b = (argb & 0xFF) / 255.0;
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

}  // namespace mirkit::test
