// What the panel painters share: sizes, text, colours, and axes drawn on a cairo context.
// Internal to the plot library.
#pragma once

#include <cairo.h>

#include <string>
#include <utility>
#include <vector>

#include "draw.hpp"
#include "palette.hpp"

namespace mirkit::plot {

// Sizes in pixels, chosen so that a 640 × 400 figure reads at 100 % zoom.
inline constexpr double kTickFont = 11;
inline constexpr double kLabelFont = 12;
inline constexpr double kTitleFont = 13;
inline constexpr double kTitleRow = 20;  // a figure's or panel's title line (and the legend's)
inline constexpr double kTickLength = 4;
inline constexpr double kLabelRow = 16;  // an axis label's line
inline constexpr double kColourBarGap = 12;
inline constexpr double kColourBarWidth = 14;

// The colour of line or bar series `index`.
const Rgb& series_colour(std::size_t index);

void set_font(cairo_t* cr, double size, bool bold = false);
void set_colour(cairo_t* cr, const Rgb& c);
double text_width(cairo_t* cr, const std::string& text);
double widest(cairo_t* cr, const std::vector<std::string>& texts);
// Text with its anchor at (x, y): ax 0/0.5/1 = left/centre/right, ay 0/0.5/1 = top/middle/bottom
// of the line, turned by `angle` radians about the anchor.
void show_text(cairo_t* cr, const std::string& text, double x, double y, double ax, double ay,
               double angle = 0);

// The axis' own ticks, or round ones about `spacing` pixels apart over `pixels`; only those
// inside the axis.
std::vector<Tick> ticks_of(const Axis& axis, double pixels, double spacing);
std::vector<std::string> texts_of(const std::vector<Tick>& ticks);
double map_x(const Axis& axis, const Rect& area, double v);
double map_y(const Axis& axis, const Rect& area, double v);

// The colour range of a heat map: the one asked for, else that of its finite values.
std::pair<double, double> colour_range(const HeatMap& map);
// A legend in the title row (bar charts; line charts keep theirs inside the data area).
bool has_legend(const Figure::Entry& entry);

void draw_frame(cairo_t* cr, const Rect& area);
// Tick marks and texts under the data area at `fractions` of its width, then the label.
void draw_x_axis(cairo_t* cr, const PanelLayout& layout, const std::vector<std::string>& texts,
                 const std::vector<double>& fractions, const std::string& label);
void x_axis_from(cairo_t* cr, const PanelLayout& layout, const Axis& axis);
void draw_y_axis(cairo_t* cr, const Rect& a, const Axis& axis, bool grid);

// The panel painters (heat_map_panel.cpp, chart_panels.cpp).
void draw_heat_map(cairo_t* cr, const HeatMap& map, const PanelLayout& layout);
void draw_line_chart(cairo_t* cr, const LineChart& chart, const PanelLayout& layout);
void draw_bar_chart(cairo_t* cr, const BarChart& bars, const PanelLayout& layout);

}  // namespace mirkit::plot
