#include "ticks.hpp"

#include <cmath>
#include <cstdio>

namespace mirkit::plot {

std::string number_text(double value) {
  if (std::abs(value) < 1e-12) value = 0;  // no "-0" or "1e-17" at an axis' origin
  char text[32];
  std::snprintf(text, sizeof(text), "%.6g", value);
  return text;
}

std::vector<Tick> round_ticks(double min, double max, int target) {
  std::vector<Tick> ticks;
  const double span = max - min;
  if (!(span > 0) || !std::isfinite(span)) {
    ticks.push_back({min, number_text(min)});
    return ticks;
  }
  const double raw = span / std::max(target, 1);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  // The round steps around the wanted one, largest first: the first that reaches the wanted
  // spacing, unless it leaves fewer than two ticks on the axis (a short colour bar).
  std::vector<double> steps;
  for (const double scale : {10.0, 1.0, 0.1}) {
    for (const double factor : {5.0, 2.0, 1.0})
      steps.push_back(factor * magnitude * scale);
  }
  std::size_t choice = 0;
  while (choice + 1 < steps.size() && steps[choice + 1] >= raw)
    ++choice;
  for (; choice < steps.size(); ++choice) {
    const double step = steps[choice];
    // A tolerance of a millionth of a step keeps an end that is a multiple despite rounding.
    const double slack = step * 1e-6;
    ticks.clear();
    for (double k = std::ceil((min - slack) / step); k * step <= max + slack; k += 1) {
      const double at = k * step;
      ticks.push_back({at, number_text(at)});
    }
    if (ticks.size() >= 2) break;
  }
  return ticks;
}

}  // namespace mirkit::plot
