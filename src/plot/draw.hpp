// The cairo side of a figure: where each panel goes, and drawing it. Internal to the plot
// library; the same layout serves every surface (PNG, SVG), so data_area() matches the image.
#pragma once

#include <cairo.h>

#include <string>
#include <vector>

#include "mirkit/plot/figure.hpp"

namespace mirkit::plot {

struct PanelLayout {
  Rect outer;                  // the panel's share of the figure
  Rect data;                   // inside the axes
  bool rotate_x_text = false;  // x tick texts at 45° because they would overlap level
};

// `cr` is only used to measure text.
std::vector<PanelLayout> layout_figure(cairo_t* cr, int width, int height, const std::string& title,
                                       const std::vector<Figure::Entry>& panels);

void draw_figure(cairo_t* cr, int width, int height, const std::string& title,
                 const std::vector<Figure::Entry>& panels);

}  // namespace mirkit::plot
