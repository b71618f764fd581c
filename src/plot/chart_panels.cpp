// Line and bar chart panels, with their legends.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "canvas.hpp"

namespace mirkit::plot {
namespace {

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

}  // namespace

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

}  // namespace mirkit::plot
