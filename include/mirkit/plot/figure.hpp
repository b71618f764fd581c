// A figure: panels stacked top to bottom (heat maps with a colour bar, line charts, bar charts),
// drawn with cairo into PNG or SVG. The panels are plain data; nothing here exposes cairo, so
// the pipeline and the apps build figures without knowing how they are drawn.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "mirkit/dsp/matrix.hpp"

namespace mirkit::plot {

enum class ImageFormat { png, svg };

// From a file name's ending (.png or .svg, any case); a usage Error names the file otherwise.
ImageFormat image_format_of(const std::filesystem::path& path);

struct Tick {
  double at = 0;  // in the axis' data units
  std::string text;
};

struct Axis {
  std::string label;
  double min = 0, max = 1;
  std::vector<Tick> ticks;  // empty: round numbers between min and max
};

enum class Palette {
  magma,  // dark to light (spectrograms, probabilities): lightness grows with the value
  blues,  // white to dark blue (confusion matrices): black text stays readable on low cells
};

// A matrix drawn as coloured cells, stored as mirkit stores spectrograms (frames × bins): row r
// runs along x, left to right, column c along y, bottom to top. The matrix fills
// [x.min, x.max] × [y.min, y.max], so cell (r, c) has its centre at
// x.min + (r + ½)·(x.max − x.min)/rows and y.min + (c + ½)·(y.max − y.min)/cols.
struct HeatMap {
  dsp::Matrix values;
  Axis x, y;
  std::string colour_label;         // under the colour bar ("dB"); empty with colour_bar false
  std::optional<double> low, high;  // colour range; default: the finite values' range
  Palette palette = Palette::magma;
  bool smooth = false;  // interpolate between cells (spectrograms) or keep them sharp
  bool colour_bar = true;
  std::vector<std::string> cell_text;  // rows·cols, row-major, written in the cells; or empty
};

struct Series {
  std::string name;
  std::vector<double> x, y;
};

struct LineChart {
  Axis x, y;
  std::vector<Series> series;  // a legend names them when there are two or more
};

// Bars grouped by category; one bar per series in each group.
struct BarChart {
  std::vector<std::string> categories;
  std::vector<std::string> series;          // legend names (empty names: no legend)
  std::vector<std::vector<double>> values;  // [series][category]
  Axis value_axis;                          // its min and max bound the bars
  bool horizontal = false;  // categories down the left side (long names, many categories)
  std::vector<std::string> value_text;  // [category] text after a horizontal bar, or empty
};

using Panel = std::variant<HeatMap, LineChart, BarChart>;

// A pixel rectangle, y downwards from the top-left corner.
struct Rect {
  double x = 0, y = 0, width = 0, height = 0;
};

// Pixels as the PNG holds them: width × height ARGB words (0xAARRGGBB), row by row from the top.
struct Raster {
  int width = 0, height = 0;
  std::vector<std::uint32_t> argb;
  std::uint32_t at(int x, int y) const {
    return argb[static_cast<std::size_t>(y) * static_cast<std::size_t>(width) +
                static_cast<std::size_t>(x)];
  }
};

class Figure {
 public:
  // Size in pixels (SVG: CSS pixels), each 16 … 8192; a usage Error otherwise.
  Figure(int width, int height, std::string title = {});

  // A panel below the previous ones, with `weight` as its share of the height.
  void add(Panel panel, std::string title = {}, double weight = 1.0);

  int width() const { return width_; }
  int height() const { return height_; }
  std::size_t panels() const { return panels_.size(); }

  // The encoded image: PNG bytes, or SVG text.
  std::string encode(ImageFormat format) const;
  // Written atomically, in the format of its ending.
  void save(const std::filesystem::path& path) const;
  Raster raster() const;
  // Where panel `index` draws its data (inside the axes), in pixels: what a test needs to find
  // a value's pixel.
  Rect data_area(std::size_t index) const;

  struct Entry {
    Panel panel;
    std::string title;
    double weight = 1.0;
  };

 private:
  int width_, height_;
  std::string title_;
  std::vector<Entry> panels_;
};

}  // namespace mirkit::plot
