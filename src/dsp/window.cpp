#include "mirkit/dsp/window.hpp"

#include <cmath>
#include <numbers>
#include <string>

#include "mirkit/core/error.hpp"

namespace mirkit::dsp {

std::string_view to_string(WindowKind kind) {
  for (const auto& [name, known] : kWindowNames)
    if (known == kind) return name;
  return "hann";
}

std::vector<double> make_window(WindowKind kind, int length) {
  std::vector<double> w(static_cast<std::size_t>(length), 1.0);
  // Generalised cosine windows over a period of `length` (periodic, not symmetric).
  double a0 = 1.0, a1 = 0.0, a2 = 0.0;
  switch (kind) {
    case WindowKind::hann:
      a0 = 0.5, a1 = 0.5;
      break;
    case WindowKind::hamming:
      a0 = 0.54, a1 = 0.46;
      break;
    case WindowKind::blackman:
      a0 = 0.42, a1 = 0.5, a2 = 0.08;
      break;
    case WindowKind::rectangular:
      return w;
  }
  for (int n = 0; n < length; ++n) {
    const double x = 2.0 * std::numbers::pi * n / length;
    w[static_cast<std::size_t>(n)] = a0 - a1 * std::cos(x) + a2 * std::cos(2.0 * x);
  }
  return w;
}

}  // namespace mirkit::dsp
