// A heat map panel: the cells as an image, their texts, the axes and the colour bar.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>

#include "canvas.hpp"

namespace mirkit::plot {
namespace {

// Smooth heat maps are pooled to this many cells a side: more than any screen shows.
constexpr int kMaxImageCells = 2048;

// The matrix as an image of (pooled) cells, one pixel per cell, scaled onto the data area.
void draw_cells(cairo_t* cr, const HeatMap& map, const Rect& a, double low, double high) {
  const auto rows = static_cast<int>(map.values.rows());
  const auto cols = static_cast<int>(map.values.cols());
  if (rows == 0 || cols == 0) return;
  // Smooth maps: one image pixel per cell, interpolated when scaled. Sharp ones: one image pixel
  // per figure pixel, so that cells keep hard edges in SVG too (an SVG viewer smooths a scaled
  // image whatever filter cairo was given). Where there are more cells than pixels (a long
  // file), each pixel shows the loudest of its cells (max pooling), so a short event stays.
  const int width = map.smooth ? std::min(rows, kMaxImageCells)
                               : std::max(1, static_cast<int>(std::lround(a.width)));
  const int height = map.smooth ? std::min(cols, kMaxImageCells)
                                : std::max(1, static_cast<int>(std::lround(a.height)));
  std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)> image(
      cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height), &cairo_surface_destroy);
  cairo_surface_flush(image.get());
  unsigned char* pixels = cairo_image_surface_get_data(image.get());
  const int stride = cairo_image_surface_get_stride(image.get());
  // The cells [first, last) that image pixel p of n covers along an axis of `cells`.
  auto span_of = [](int p, int n, int cells) {
    const auto first = static_cast<int>(static_cast<std::int64_t>(p) * cells / n);
    const auto last = static_cast<int>(static_cast<std::int64_t>(p + 1) * cells / n);
    return std::pair{first, std::max(last, first + 1)};
  };
  for (int x = 0; x < width; ++x) {
    const auto [r0, r1] = span_of(x, width, rows);
    for (int y = 0; y < height; ++y) {
      const auto [c0, c1] = span_of(y, height, cols);
      double v = -std::numeric_limits<double>::infinity();
      bool any = false;
      for (int r = r0; r < r1; ++r) {
        for (int c = c0; c < c1; ++c) {
          const double value = map.values(r, c);
          if (std::isnan(value)) continue;
          v = std::max(v, value);
          any = true;
        }
      }
      const Rgb colour = palette_colour(map.palette, any ? (v - low) / (high - low) : std::nan(""));
      std::uint32_t word = 0xFF000000u |
                           (static_cast<std::uint32_t>(std::lround(colour.r * 255)) << 16) |
                           (static_cast<std::uint32_t>(std::lround(colour.g * 255)) << 8) |
                           static_cast<std::uint32_t>(std::lround(colour.b * 255));
      // Column 0 at the bottom.
      std::memcpy(pixels + static_cast<std::ptrdiff_t>(height - 1 - y) * stride + 4 * x, &word, 4);
    }
  }
  cairo_surface_mark_dirty(image.get());
  cairo_save(cr);
  cairo_rectangle(cr, a.x, a.y, a.width, a.height);
  cairo_clip(cr);
  cairo_translate(cr, a.x, a.y);
  cairo_scale(cr, a.width / width, a.height / height);
  cairo_set_source_surface(cr, image.get(), 0, 0);
  cairo_pattern_t* pattern = cairo_get_source(cr);
  cairo_pattern_set_filter(pattern, map.smooth ? CAIRO_FILTER_BILINEAR : CAIRO_FILTER_NEAREST);
  cairo_pattern_set_extend(pattern, CAIRO_EXTEND_PAD);  // no fade to black at the edges
  cairo_paint(cr);
  cairo_restore(cr);
}

void draw_cell_text(cairo_t* cr, const HeatMap& map, const Rect& a, double low, double high) {
  const Eigen::Index rows = map.values.rows(), cols = map.values.cols();
  if (map.cell_text.size() != static_cast<std::size_t>(rows * cols)) return;
  const double cell_w = a.width / static_cast<double>(rows);
  const double cell_h = a.height / static_cast<double>(cols);
  for (Eigen::Index r = 0; r < rows; ++r) {
    for (Eigen::Index c = 0; c < cols; ++c) {
      const std::string& text = map.cell_text[static_cast<std::size_t>(r * cols + c)];
      if (text.empty()) continue;
      const double size =
          std::min({kTickFont, cell_h * 0.6, cell_w / (0.62 * static_cast<double>(text.size()))});
      if (size < 5) continue;  // unreadable: the colour says it
      set_font(cr, size);
      const double t = (map.values(r, c) - low) / (high - low);
      if (dark_at(map.palette, t)) {
        cairo_set_source_rgb(cr, 1, 1, 1);
      } else {
        cairo_set_source_rgb(cr, 0, 0, 0);
      }
      show_text(cr, text, a.x + (static_cast<double>(r) + 0.5) * cell_w,
                a.y + a.height - (static_cast<double>(c) + 0.5) * cell_h, 0.5, 0.5);
    }
  }
}

void draw_colour_bar(cairo_t* cr, const HeatMap& map, const Rect& a, double low, double high) {
  const Rect bar{a.x + a.width + kColourBarGap, a.y, kColourBarWidth, a.height};
  cairo_pattern_t* gradient = cairo_pattern_create_linear(0, bar.y + bar.height, 0, bar.y);
  constexpr int kStops = 32;  // the palettes are smooth between their 5–10 anchors
  for (int i = 0; i <= kStops; ++i) {
    const double t = static_cast<double>(i) / kStops;
    const Rgb c = palette_colour(map.palette, t);
    cairo_pattern_add_color_stop_rgb(gradient, t, c.r, c.g, c.b);
  }
  cairo_rectangle(cr, bar.x, bar.y, bar.width, bar.height);
  cairo_set_source(cr, gradient);
  cairo_fill(cr);
  cairo_pattern_destroy(gradient);
  draw_frame(cr, bar);
  const Axis axis{map.colour_label, low, high, {}};
  set_font(cr, kTickFont);
  double widest_text = 0;
  for (const Tick& tick : ticks_of(axis, bar.height, 40)) {
    const double y = map_y(axis, bar, tick.at);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_move_to(cr, bar.x + bar.width, y);
    cairo_line_to(cr, bar.x + bar.width + kTickLength, y);
    cairo_stroke(cr);
    show_text(cr, tick.text, bar.x + bar.width + kTickLength + 3, y, 0.0, 0.5);
    widest_text = std::max(widest_text, text_width(cr, tick.text));
  }
  set_font(cr, kLabelFont);
  show_text(cr, map.colour_label, bar.x + bar.width + kTickLength + 3 + widest_text + 4,
            bar.y + bar.height / 2, 0.5, 0.0, -M_PI / 2);
}

}  // namespace

void draw_heat_map(cairo_t* cr, const HeatMap& map, const PanelLayout& layout) {
  const auto [low, high] = colour_range(map);
  draw_cells(cr, map, layout.data, low, high);
  draw_cell_text(cr, map, layout.data, low, high);
  draw_frame(cr, layout.data);
  x_axis_from(cr, layout, map.x);
  draw_y_axis(cr, layout.data, map.y, false);
  if (map.colour_bar) draw_colour_bar(cr, map, layout.data, low, high);
}

}  // namespace mirkit::plot
