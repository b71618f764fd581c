#include "canvas.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "ticks.hpp"

namespace mirkit::plot {
namespace {

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

}  // namespace

const Rgb& series_colour(std::size_t index) {
  return kSeriesColours[index % kSeriesColours.size()];
}

void set_font(cairo_t* cr, double size, bool bold) {
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

void show_text(cairo_t* cr, const std::string& text, double x, double y, double ax, double ay,
               double angle) {
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

bool has_legend(const Figure::Entry& entry) {
  if (const auto* bars = std::get_if<BarChart>(&entry.panel)) {
    return bars->series.size() >= 2 && std::any_of(bars->series.begin(), bars->series.end(),
                                                   [](const std::string& s) { return !s.empty(); });
  }
  return false;
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

}  // namespace mirkit::plot
