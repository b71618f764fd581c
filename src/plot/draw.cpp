#include "draw.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <memory>

#include "palette.hpp"
#include "ticks.hpp"

namespace mirkit::plot {
namespace {

// Sizes in pixels, chosen so that a 640 × 400 figure reads at 100 % zoom.
constexpr double kTickFont = 11;
constexpr double kLabelFont = 12;
constexpr double kTitleFont = 13;
constexpr double kTitleRow = 20;  // a figure's or panel's title line (and the legend's)
constexpr double kTickLength = 4;
constexpr double kLabelRow = 16;  // an axis label's line
constexpr double kColourBarGap = 12;
constexpr double kColourBarWidth = 14;
constexpr int kMaxImageCells = 2048;  // smooth heat maps are pooled to this many cells a side

// Matplotlib's "tab10" cycle: ten colours told apart by most colour-blind readers.
constexpr std::array<Rgb, 10> kSeriesColours = {{{0.122, 0.467, 0.706},
                                                 {1.000, 0.498, 0.055},
                                                 {0.173, 0.627, 0.173},
                                                 {0.839, 0.153, 0.157},
                                                 {0.580, 0.404, 0.741},
                                                 {0.549, 0.337, 0.294},
                                                 {0.890, 0.467, 0.761},
                                                 {0.498, 0.498, 0.498},
                                                 {0.737, 0.741, 0.133},
                                                 {0.090, 0.745, 0.812}}};

const Rgb& series_colour(std::size_t index) {
  return kSeriesColours[index % kSeriesColours.size()];
}

void set_font(cairo_t* cr, double size, bool bold = false) {
  cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
}

void set_colour(cairo_t* cr, const Rgb& c) {
  cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

double text_width(cairo_t* cr, const std::string& text) {
  cairo_text_extents_t extents;
  cairo_text_extents(cr, text.c_str(), &extents);
  return extents.x_advance;
}

double widest(cairo_t* cr, const std::vector<std::string>& texts) {
  double w = 0;
  for (const std::string& text : texts)
    w = std::max(w, text_width(cr, text));
  return w;
}

// Text with its anchor at (x, y): ax 0/0.5/1 = left/centre/right, ay 0/0.5/1 = top/middle/bottom
// of the line, turned by `angle` radians about the anchor.
void show_text(cairo_t* cr, const std::string& text, double x, double y, double ax, double ay,
               double angle = 0) {
  if (text.empty()) return;
  cairo_font_extents_t font;
  cairo_font_extents(cr, &font);
  const double width = text_width(cr, text);
  const double line = font.ascent + font.descent;
  cairo_save(cr);
  cairo_translate(cr, x, y);
  cairo_rotate(cr, angle);
  cairo_move_to(cr, -ax * width, -ay * line + font.ascent);
  cairo_show_text(cr, text.c_str());
  cairo_restore(cr);
}

std::vector<Tick> ticks_of(const Axis& axis, double pixels, double spacing) {
  std::vector<Tick> ticks =
      axis.ticks.empty()
          ? round_ticks(axis.min, axis.max, std::max(2, static_cast<int>(pixels / spacing)))
          : axis.ticks;
  const double lo = std::min(axis.min, axis.max), hi = std::max(axis.min, axis.max);
  const double slack = (hi - lo) * 1e-9;
  std::erase_if(ticks, [&](const Tick& t) { return t.at < lo - slack || t.at > hi + slack; });
  return ticks;
}

std::vector<std::string> texts_of(const std::vector<Tick>& ticks) {
  std::vector<std::string> texts;
  for (const Tick& tick : ticks)
    texts.push_back(tick.text);
  return texts;
}

double map_x(const Axis& axis, const Rect& area, double v) {
  return area.x + (v - axis.min) / (axis.max - axis.min) * area.width;
}
double map_y(const Axis& axis, const Rect& area, double v) {
  return area.y + area.height - (v - axis.min) / (axis.max - axis.min) * area.height;
}

// The colour range of a heat map: the one asked for, else that of its finite values.
std::pair<double, double> colour_range(const HeatMap& map) {
  double low = std::numeric_limits<double>::infinity(), high = -low;
  for (Eigen::Index i = 0; i < map.values.size(); ++i) {
    const double v = map.values.data()[i];
    if (!std::isfinite(v)) continue;
    low = std::min(low, v);
    high = std::max(high, v);
  }
  if (!std::isfinite(low)) low = 0, high = 1;
  if (map.low) low = *map.low;
  if (map.high) high = *map.high;
  if (!(high > low)) high = low + 1;
  return {low, high};
}

// A legend in the title row (bar charts; line charts keep theirs inside the data area).
bool has_legend(const Figure::Entry& entry) {
  if (const auto* bars = std::get_if<BarChart>(&entry.panel)) {
    return bars->series.size() >= 2 && std::any_of(bars->series.begin(), bars->series.end(),
                                                   [](const std::string& s) { return !s.empty(); });
  }
  return false;
}

struct Margins {
  double left = 0, right = 0, top = 0;
  std::vector<std::string> x_texts;  // what stands under the x axis
  std::vector<double> x_positions;   // … at which data-area fractions (0 … 1)
  bool x_label = false;
};

Margins side_margins(cairo_t* cr, const Figure::Entry& entry, const Rect& outer) {
  Margins m;
  m.top = (entry.title.empty() && !has_legend(entry)) ? 8 : kTitleRow + 4;
  m.right = 16;
  set_font(cr, kTickFont);
  auto axis_left = [&](const Axis& y) {
    const std::vector<Tick> ticks = ticks_of(y, outer.height, 40);
    return widest(cr, texts_of(ticks)) + kTickLength + 6 + (y.label.empty() ? 0 : kLabelRow) + 4;
  };
  if (const auto* map = std::get_if<HeatMap>(&entry.panel)) {
    m.left = axis_left(map->y);
    if (map->colour_bar) {
      const auto [low, high] = colour_range(*map);
      const Axis bar{map->colour_label, low, high, {}};
      m.right = kColourBarGap + kColourBarWidth + kTickLength + 4 +
                widest(cr, texts_of(ticks_of(bar, outer.height, 40))) + 4 +
                (map->colour_label.empty() ? 0 : kLabelRow) + 4;
    }
    m.x_label = !map->x.label.empty();
  } else if (const auto* chart = std::get_if<LineChart>(&entry.panel)) {
    m.left = axis_left(chart->y);
    m.x_label = !chart->x.label.empty();
  } else if (const auto* bars = std::get_if<BarChart>(&entry.panel)) {
    if (bars->horizontal) {
      m.left = widest(cr, bars->categories) + kTickLength + 6;
      m.right = std::max(16.0, widest(cr, bars->value_text) + 10);
      m.x_label = !bars->value_axis.label.empty();
    } else {
      m.left = axis_left(bars->value_axis);
      m.x_texts = bars->categories;
      for (std::size_t c = 0; c < bars->categories.size(); ++c)
        m.x_positions.push_back((static_cast<double>(c) + 0.5) /
                                static_cast<double>(bars->categories.size()));
    }
  }
  return m;
}

const Axis* x_axis_of(const Panel& panel) {
  if (const auto* map = std::get_if<HeatMap>(&panel)) return &map->x;
  if (const auto* chart = std::get_if<LineChart>(&panel)) return &chart->x;
  if (const auto* bars = std::get_if<BarChart>(&panel)) {
    if (bars->horizontal) return &bars->value_axis;
  }
  return nullptr;
}

PanelLayout layout_panel(cairo_t* cr, const Figure::Entry& entry, const Rect& outer, double left,
                         double right) {
  Margins m = side_margins(cr, entry, outer);
  m.left = left;
  m.right = right;
  PanelLayout layout;
  layout.outer = outer;
  const double data_width = std::max(4.0, outer.width - m.left - m.right);
  if (const Axis* x = x_axis_of(entry.panel)) {
    for (const Tick& tick : ticks_of(*x, data_width, 80)) {
      m.x_texts.push_back(tick.text);
      m.x_positions.push_back((tick.at - x->min) / (x->max - x->min));
    }
  }
  set_font(cr, kTickFont);
  double closest = data_width;
  for (std::size_t i = 1; i < m.x_positions.size(); ++i)
    closest = std::min(closest, std::abs(m.x_positions[i] - m.x_positions[i - 1]) * data_width);
  const double widest_x = widest(cr, m.x_texts);
  layout.rotate_x_text = m.x_texts.size() > 1 && widest_x + 6 > closest;
  const double text_height = layout.rotate_x_text ? widest_x * std::sqrt(0.5) + 10 : 14;
  const double bottom = kTickLength + 2 + text_height + (m.x_label ? kLabelRow : 0) + 6;
  layout.data = {outer.x + m.left, outer.y + m.top, data_width,
                 std::max(4.0, outer.height - m.top - bottom)};
  return layout;
}

void draw_frame(cairo_t* cr, const Rect& area) {
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_set_line_width(cr, 1);
  cairo_rectangle(cr, std::round(area.x) + 0.5, std::round(area.y) + 0.5, std::round(area.width),
                  std::round(area.height));
  cairo_stroke(cr);
}

void draw_x_axis(cairo_t* cr, const PanelLayout& layout, const std::vector<std::string>& texts,
                 const std::vector<double>& fractions, const std::string& label) {
  const Rect& a = layout.data;
  const double base = a.y + a.height;
  set_font(cr, kTickFont);
  cairo_set_source_rgb(cr, 0, 0, 0);
  double lowest = base + kTickLength + 2 + 14;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const double x = a.x + fractions[i] * a.width;
    cairo_move_to(cr, x, base);
    cairo_line_to(cr, x, base + kTickLength);
    cairo_stroke(cr);
    if (layout.rotate_x_text) {
      show_text(cr, texts[i], x, base + kTickLength + 2, 1.0, 0.0, -M_PI / 4);
      lowest =
          std::max(lowest, base + kTickLength + 2 + text_width(cr, texts[i]) * std::sqrt(0.5) + 10);
    } else {
      show_text(cr, texts[i], x, base + kTickLength + 2, 0.5, 0.0);
    }
  }
  set_font(cr, kLabelFont);
  show_text(cr, label, a.x + a.width / 2, lowest + 2, 0.5, 0.0);
}

void draw_y_axis(cairo_t* cr, const Rect& a, const Axis& axis, bool grid) {
  const std::vector<Tick> ticks = ticks_of(axis, a.height, 40);
  set_font(cr, kTickFont);
  double widest_text = 0;
  for (const Tick& tick : ticks) {
    const double y = map_y(axis, a, tick.at);
    if (grid) {
      cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
      cairo_move_to(cr, a.x, y);
      cairo_line_to(cr, a.x + a.width, y);
      cairo_stroke(cr);
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_move_to(cr, a.x - kTickLength, y);
    cairo_line_to(cr, a.x, y);
    cairo_stroke(cr);
    show_text(cr, tick.text, a.x - kTickLength - 3, y, 1.0, 0.5);
    widest_text = std::max(widest_text, text_width(cr, tick.text));
  }
  set_font(cr, kLabelFont);
  show_text(cr, axis.label, a.x - kTickLength - 6 - widest_text - 4, a.y + a.height / 2, 0.5, 1.0,
            -M_PI / 2);
}

void x_axis_from(cairo_t* cr, const PanelLayout& layout, const Axis& axis) {
  std::vector<std::string> texts;
  std::vector<double> fractions;
  for (const Tick& tick : ticks_of(axis, layout.data.width, 80)) {
    texts.push_back(tick.text);
    fractions.push_back((tick.at - axis.min) / (axis.max - axis.min));
  }
  draw_x_axis(cr, layout, texts, fractions, axis.label);
}

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

void draw_heat_map(cairo_t* cr, const HeatMap& map, const PanelLayout& layout) {
  const auto [low, high] = colour_range(map);
  draw_cells(cr, map, layout.data, low, high);
  draw_cell_text(cr, map, layout.data, low, high);
  draw_frame(cr, layout.data);
  x_axis_from(cr, layout, map.x);
  draw_y_axis(cr, layout.data, map.y, false);
  if (map.colour_bar) draw_colour_bar(cr, map, layout.data, low, high);
}

// Names and colour keys of bar series in the panel's title row, right-aligned.
void draw_bar_legend(cairo_t* cr, const std::vector<std::string>& names,
                     const PanelLayout& layout) {
  set_font(cr, kTickFont);
  double x = layout.data.x + layout.data.width;
  const double y = layout.outer.y + 4 + kTitleRow / 2 - 2;
  for (std::size_t i = names.size(); i-- > 0;) {
    x -= text_width(cr, names[i]);
    cairo_set_source_rgb(cr, 0, 0, 0);
    show_text(cr, names[i], x, y, 0.0, 0.5);
    x -= 16;
    set_colour(cr, series_colour(i));
    cairo_rectangle(cr, x + 2, y - 5, 10, 10);
    cairo_fill(cr);
    x -= 12;
  }
}

// A boxed list of the lines' names inside the data area, in the corner that hides the fewest
// points (loss curves fall to the lower right, precision–recall curves fill the upper right).
void draw_line_legend(cairo_t* cr, const LineChart& chart, const Rect& a) {
  set_font(cr, kTickFont);
  std::vector<std::string> names;
  for (const Series& series : chart.series)
    names.push_back(series.name);
  const double row = 15;
  const double box_w = widest(cr, names) + 34, box_h = row * static_cast<double>(names.size()) + 8;
  const std::array<std::pair<double, double>, 4> corners = {
      {{a.x + a.width - box_w - 6, a.y + 6},
       {a.x + 6, a.y + 6},
       {a.x + a.width - box_w - 6, a.y + a.height - box_h - 6},
       {a.x + 6, a.y + a.height - box_h - 6}}};
  std::size_t best = 0, fewest = std::numeric_limits<std::size_t>::max();
  for (std::size_t k = 0; k < corners.size(); ++k) {
    std::size_t hidden = 0;
    for (const Series& series : chart.series) {
      for (std::size_t i = 0; i < std::min(series.x.size(), series.y.size()); ++i) {
        const double px = map_x(chart.x, a, series.x[i]), py = map_y(chart.y, a, series.y[i]);
        hidden += px >= corners[k].first && px <= corners[k].first + box_w &&
                  py >= corners[k].second && py <= corners[k].second + box_h;
      }
    }
    if (hidden < fewest) fewest = hidden, best = k;
  }
  const auto [x, y] = corners[best];
  cairo_set_source_rgba(cr, 1, 1, 1, 0.9);
  cairo_rectangle(cr, x, y, box_w, box_h);
  cairo_fill_preserve(cr);
  cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
  cairo_stroke(cr);
  for (std::size_t i = 0; i < names.size(); ++i) {
    const double line_y = y + 4 + row * (static_cast<double>(i) + 0.5);
    set_colour(cr, series_colour(i));
    cairo_set_line_width(cr, 2);
    cairo_move_to(cr, x + 6, line_y);
    cairo_line_to(cr, x + 24, line_y);
    cairo_stroke(cr);
    cairo_set_line_width(cr, 1);
    cairo_set_source_rgb(cr, 0, 0, 0);
    show_text(cr, names[i], x + 28, line_y, 0.0, 0.5);
  }
}

void draw_line_chart(cairo_t* cr, const LineChart& chart, const PanelLayout& layout) {
  const Rect& a = layout.data;
  draw_y_axis(cr, a, chart.y, true);
  cairo_save(cr);
  cairo_rectangle(cr, a.x, a.y, a.width, a.height);
  cairo_clip(cr);
  cairo_set_line_width(cr, 1.5);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  for (std::size_t s = 0; s < chart.series.size(); ++s) {
    const Series& series = chart.series[s];
    set_colour(cr, series_colour(s));
    bool drawing = false;
    const std::size_t n = std::min(series.x.size(), series.y.size());
    for (std::size_t i = 0; i < n; ++i) {
      if (!std::isfinite(series.x[i]) || !std::isfinite(series.y[i])) {
        drawing = false;  // a gap, not a line to zero
        continue;
      }
      const double px = map_x(chart.x, a, series.x[i]);
      const double py = map_y(chart.y, a, series.y[i]);
      if (drawing) {
        cairo_line_to(cr, px, py);
      } else {
        cairo_move_to(cr, px, py);
        drawing = true;
      }
    }
    cairo_stroke(cr);
    if (n == 1) {
      cairo_arc(cr, map_x(chart.x, a, series.x[0]), map_y(chart.y, a, series.y[0]), 3, 0, 2 * M_PI);
      cairo_fill(cr);
    }
  }
  cairo_restore(cr);
  cairo_set_line_width(cr, 1);
  draw_frame(cr, a);
  x_axis_from(cr, layout, chart.x);
  if (chart.series.size() >= 2) draw_line_legend(cr, chart, a);
}

void draw_bar_chart(cairo_t* cr, const BarChart& bars, const PanelLayout& layout) {
  const Rect& a = layout.data;
  const Axis& v = bars.value_axis;
  const auto groups = static_cast<double>(bars.categories.size());
  const auto per_group = static_cast<double>(std::max<std::size_t>(bars.values.size(), 1));
  const double base = std::clamp(0.0, std::min(v.min, v.max), std::max(v.min, v.max));
  if (!bars.horizontal) draw_y_axis(cr, a, v, true);
  for (std::size_t s = 0; s < bars.values.size(); ++s) {
    set_colour(cr, series_colour(s));
    for (std::size_t c = 0; c < bars.categories.size() && c < bars.values[s].size(); ++c) {
      const double value = bars.values[s][c];
      if (!std::isfinite(value)) continue;
      const double clamped = std::clamp(value, std::min(v.min, v.max), std::max(v.min, v.max));
      if (bars.horizontal) {
        const double slot = a.height / groups;
        const double thick = 0.8 * slot / per_group;
        const double top =
            a.y + static_cast<double>(c) * slot + 0.1 * slot + static_cast<double>(s) * thick;
        const double x0 = map_x(v, a, base), x1 = map_x(v, a, clamped);
        cairo_rectangle(cr, std::min(x0, x1), top, std::abs(x1 - x0), thick);
      } else {
        const double slot = a.width / groups;
        const double thick = 0.8 * slot / per_group;
        const double left =
            a.x + static_cast<double>(c) * slot + 0.1 * slot + static_cast<double>(s) * thick;
        const double y0 = map_y(v, a, base), y1 = map_y(v, a, clamped);
        cairo_rectangle(cr, left, std::min(y0, y1), thick, std::abs(y1 - y0));
      }
      cairo_fill(cr);
    }
  }
  draw_frame(cr, a);
  set_font(cr, kTickFont);
  cairo_set_source_rgb(cr, 0, 0, 0);
  if (bars.horizontal) {
    const double slot = a.height / groups;
    for (std::size_t c = 0; c < bars.categories.size(); ++c) {
      const double y = a.y + (static_cast<double>(c) + 0.5) * slot;
      show_text(cr, bars.categories[c], a.x - kTickLength - 3, y, 1.0, 0.5);
      if (c < bars.value_text.size())
        show_text(cr, bars.value_text[c], a.x + a.width + 4, y, 0, 0.5);
    }
    x_axis_from(cr, layout, v);
  } else {
    std::vector<double> fractions;
    for (std::size_t c = 0; c < bars.categories.size(); ++c)
      fractions.push_back((static_cast<double>(c) + 0.5) / groups);
    draw_x_axis(cr, layout, bars.categories, fractions, {});
  }
  if (has_legend(Figure::Entry{bars, {}, 1.0})) draw_bar_legend(cr, bars.series, layout);
}

}  // namespace

std::vector<PanelLayout> layout_figure(cairo_t* cr, int width, int height, const std::string& title,
                                       const std::vector<Figure::Entry>& panels) {
  const double top = title.empty() ? 0 : kTitleRow + 4;
  double total = 0;
  for (const Figure::Entry& entry : panels)
    total += entry.weight;
  // One left and one right edge for every panel, so that stacked time axes line up.
  double left = 0, right = 0;
  std::vector<Rect> outers;
  double y = top;
  for (const Figure::Entry& entry : panels) {
    const double share = (height - top) * entry.weight / total;
    outers.push_back({0, y, static_cast<double>(width), share});
    const Margins m = side_margins(cr, entry, outers.back());
    left = std::max(left, m.left);
    right = std::max(right, m.right);
    y += share;
  }
  std::vector<PanelLayout> layouts;
  for (std::size_t i = 0; i < panels.size(); ++i)
    layouts.push_back(layout_panel(cr, panels[i], outers[i], left, right));
  return layouts;
}

void draw_figure(cairo_t* cr, int width, int height, const std::string& title,
                 const std::vector<Figure::Entry>& panels) {
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_set_line_width(cr, 1);
  cairo_set_source_rgb(cr, 0, 0, 0);
  set_font(cr, kTitleFont, true);
  show_text(cr, title, width / 2.0, 5, 0.5, 0.0);
  const std::vector<PanelLayout> layouts = layout_figure(cr, width, height, title, panels);
  for (std::size_t i = 0; i < panels.size(); ++i) {
    const PanelLayout& layout = layouts[i];
    cairo_set_source_rgb(cr, 0, 0, 0);
    set_font(cr, kLabelFont, true);
    show_text(cr, panels[i].title, layout.data.x, layout.outer.y + 4 + kTitleRow / 2 - 2, 0.0, 0.5);
    cairo_set_line_width(cr, 1);
    std::visit(
        [&](const auto& panel) {
          using T = std::decay_t<decltype(panel)>;
          if constexpr (std::is_same_v<T, HeatMap>) {
            draw_heat_map(cr, panel, layout);
          } else if constexpr (std::is_same_v<T, LineChart>) {
            draw_line_chart(cr, panel, layout);
          } else {
            draw_bar_chart(cr, panel, layout);
          }
        },
        panels[i].panel);
  }
}

}  // namespace mirkit::plot
