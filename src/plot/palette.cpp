#include "palette.hpp"

#include <array>
#include <cmath>
#include <span>

namespace mirkit::plot {
namespace {

struct Stop {
  double t;
  Rgb colour;
};

// Matplotlib's magma (van der Walt & Smith 2015) sampled at these points: perceptually uniform,
// lightness growing with the value, so a spectrogram reads the same in grey print.
constexpr std::array<Stop, 10> kMagma = {{
    {0.000, {0.001462, 0.000466, 0.013866}},
    {0.125, {0.078815, 0.054184, 0.211667}},
    {0.250, {0.232077, 0.059889, 0.437695}},
    {0.375, {0.390384, 0.100379, 0.501864}},
    {0.500, {0.550287, 0.161158, 0.505719}},
    {0.625, {0.716387, 0.214982, 0.475290}},
    {0.750, {0.868793, 0.287728, 0.409303}},
    {0.875, {0.967671, 0.439703, 0.359810}},
    {0.9375, {0.994738, 0.624350, 0.427397}},
    {1.000, {0.987053, 0.991438, 0.749504}},
}};

// ColorBrewer's Blues (Brewer 2003), sequential white to dark blue.
constexpr std::array<Stop, 5> kBlues = {{
    {0.00, {0.969, 0.984, 1.000}},
    {0.25, {0.776, 0.859, 0.937}},
    {0.50, {0.420, 0.682, 0.839}},
    {0.75, {0.129, 0.443, 0.710}},
    {1.00, {0.031, 0.188, 0.420}},
}};

Rgb interpolate(std::span<const Stop> stops, double t) {
  for (std::size_t i = 1; i < stops.size(); ++i) {
    if (t <= stops[i].t) {
      const Stop& a = stops[i - 1];
      const Stop& b = stops[i];
      const double u = (t - a.t) / (b.t - a.t);
      return {a.colour.r + u * (b.colour.r - a.colour.r),
              a.colour.g + u * (b.colour.g - a.colour.g),
              a.colour.b + u * (b.colour.b - a.colour.b)};
    }
  }
  return stops.back().colour;
}

}  // namespace

Rgb palette_colour(Palette palette, double t) {
  if (std::isnan(t)) return {0.5, 0.5, 0.5};
  t = std::clamp(t, 0.0, 1.0);
  return palette == Palette::magma ? interpolate(kMagma, t) : interpolate(kBlues, t);
}

bool dark_at(Palette palette, double t) {
  const Rgb c = palette_colour(palette, t);
  // Rec. 709 luma: below about half, black text would vanish.
  return 0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b < 0.5;
}

}  // namespace mirkit::plot
