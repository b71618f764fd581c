// Colour maps for heat maps: a value in [0, 1] to a colour.
#pragma once

#include "mirkit/plot/figure.hpp"

namespace mirkit::plot {

struct Rgb {
  double r = 0, g = 0, b = 0;  // each in [0, 1]
};

// `t` is clamped to [0, 1]; NaN gives mid grey, so a missing value never looks like a low one.
Rgb palette_colour(Palette palette, double t);

// Whether text on `palette` at `t` should be white (the cell is dark) rather than black.
bool dark_at(Palette palette, double t);

}  // namespace mirkit::plot
