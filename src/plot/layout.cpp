// Where each panel goes: margins wide enough for its tick texts, labels and colour bar, one left
// and one right edge for every panel so stacked time axes line up, x tick texts turned when
// they would overlap.
#include <algorithm>
#include <cmath>

#include "canvas.hpp"

namespace mirkit::plot {
namespace {

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

}  // namespace mirkit::plot
