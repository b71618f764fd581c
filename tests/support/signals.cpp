#include "support/signals.hpp"

#include <cmath>
#include <numbers>

namespace mirkit::test {

std::vector<float> sine(double frequency, int rate, std::size_t samples, double amplitude,
                        double phase) {
  std::vector<float> x(samples);
  for (std::size_t n = 0; n < samples; ++n) {
    x[n] = static_cast<float>(
        amplitude *
        std::sin(2.0 * std::numbers::pi * frequency * static_cast<double>(n) / rate + phase));
  }
  return x;
}

std::vector<float> log_sweep(double f0, double f1, int rate, std::size_t samples,
                             double amplitude) {
  const double duration = static_cast<double>(samples) / rate;
  const double k = std::log(f1 / f0) / duration;
  std::vector<float> x(samples);
  for (std::size_t n = 0; n < samples; ++n) {
    const double t = static_cast<double>(n) / rate;
    x[n] = static_cast<float>(amplitude *
                              std::sin(2.0 * std::numbers::pi * f0 * (std::exp(k * t) - 1.0) / k));
  }
  return x;
}

ToneFit fit_tone(const std::vector<float>& x, double frequency, int rate, std::size_t begin,
                 std::size_t end) {
  // Normal equations of the 2-parameter least-squares problem, in double.
  double cc = 0, cs = 0, ss = 0, xc = 0, xs = 0;
  for (std::size_t n = begin; n < end; ++n) {
    const double w = 2.0 * std::numbers::pi * frequency * static_cast<double>(n) / rate;
    const double c = std::cos(w), s = std::sin(w);
    cc += c * c;
    cs += c * s;
    ss += s * s;
    xc += x[n] * c;
    xs += x[n] * s;
  }
  const double det = cc * ss - cs * cs;
  const double a = (xc * ss - xs * cs) / det;
  const double b = (xs * cc - xc * cs) / det;
  double residual = 0;
  for (std::size_t n = begin; n < end; ++n) {
    const double w = 2.0 * std::numbers::pi * frequency * static_cast<double>(n) / rate;
    const double e = x[n] - (a * std::cos(w) + b * std::sin(w));
    residual += e * e;
  }
  return {std::hypot(a, b), std::sqrt(residual / static_cast<double>(end - begin))};
}

double rms(const std::vector<float>& x, std::size_t begin, std::size_t end) {
  double energy = 0;
  for (std::size_t n = begin; n < end; ++n)
    energy += static_cast<double>(x[n]) * x[n];
  return std::sqrt(energy / static_cast<double>(end - begin));
}

}  // namespace mirkit::test
