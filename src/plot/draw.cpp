#include "draw.hpp"

#include <type_traits>
#include <variant>

#include "canvas.hpp"

namespace mirkit::plot {

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
