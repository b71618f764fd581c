// Axis ticks at round numbers, and the short text of a number.
#pragma once

#include <string>
#include <vector>

#include "mirkit/plot/figure.hpp"

namespace mirkit::plot {

// About `target` ticks at multiples of 1, 2 or 5 × 10^k between min and max (both included when
// round).
std::vector<Tick> round_ticks(double min, double max, int target = 6);

// "0.25", "1000", "1e+06": as short as printf's %g with six significant digits.
std::string number_text(double value);

}  // namespace mirkit::plot
