#include "mirkit/features/pooling.hpp"

#include <algorithm>
#include <cmath>

#include "mirkit/core/error.hpp"

namespace mirkit::features {

Statistic parse_statistic(const std::string& name) {
  using Kind = Statistic::Kind;
  static const std::pair<const char*, Kind> kNames[] = {
      {"mean", Kind::mean}, {"std", Kind::std},          {"var", Kind::var},
      {"min", Kind::min},   {"max", Kind::max},          {"median", Kind::median},
      {"skew", Kind::skew}, {"kurtosis", Kind::kurtosis}};
  for (const auto& [known, kind] : kNames) {
    if (name == known) return {kind, 0.0, name};
  }
  if (name.size() > 1 && name[0] == 'p') {
    char* end = nullptr;
    const double p = std::strtod(name.c_str() + 1, &end);
    if (end != nullptr && *end == '\0' && p >= 0.0 && p <= 100.0)
      return {Kind::percentile, p, name};
  }
  throw usage_error("unknown statistic '" + name +
                    "' (known: mean, std, var, min, max, median, skew, kurtosis, p0 … p100)");
}

namespace {

double percentile_of(std::vector<double>& sorted, double p) {
  // numpy.percentile, linear: the value at rank p/100 · (n − 1).
  const double rank = p / 100.0 * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(rank));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (rank - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

// One column's central moments, computed once for every statistic asked of it.
struct Moments {
  double mean = 0.0, m2 = 0.0, m3 = 0.0, m4 = 0.0;
  bool constant = false;  // a spread this small relative to the mean is rounding noise

  explicit Moments(const std::vector<double>& values) {
    const auto n = static_cast<double>(values.size());
    for (double v : values)
      mean += v;
    mean /= n;
    for (double v : values) {
      const double d = v - mean;
      m2 += d * d;
      m3 += d * d * d;
      m4 += d * d * d * d;
    }
    m2 /= n, m3 /= n, m4 /= n;
    constant = m2 <= 1e-24 * std::max(1.0, mean * mean);
  }
};

double statistic_of(const Statistic& statistic, const std::vector<double>& values,
                    const Moments& moments, std::vector<double>& sorted) {
  using Kind = Statistic::Kind;
  switch (statistic.kind) {
    case Kind::mean:
      return moments.mean;
    case Kind::std:
      return std::sqrt(moments.m2);
    case Kind::var:
      return moments.m2;
    case Kind::min:
      return *std::min_element(values.begin(), values.end());
    case Kind::max:
      return *std::max_element(values.begin(), values.end());
    case Kind::skew:
      return moments.constant ? 0.0 : moments.m3 / std::pow(moments.m2, 1.5);
    case Kind::kurtosis:
      return moments.constant ? 0.0 : moments.m4 / (moments.m2 * moments.m2) - 3.0;
    case Kind::median:
    case Kind::percentile:
      if (sorted.empty()) {
        sorted = values;
        std::sort(sorted.begin(), sorted.end());
      }
      return percentile_of(sorted, statistic.kind == Kind::median ? 50.0 : statistic.percentile);
  }
  return 0.0;
}

}  // namespace

std::vector<float> pool(const dsp::Matrix& frames, const std::vector<Statistic>& statistics) {
  const Eigen::Index dims = frames.cols();
  std::vector<float> out(statistics.size() * static_cast<std::size_t>(dims), 0.0f);
  if (frames.rows() == 0) return out;
  std::vector<double> values(static_cast<std::size_t>(frames.rows())), sorted;
  for (Eigen::Index d = 0; d < dims; ++d) {
    for (Eigen::Index f = 0; f < frames.rows(); ++f)
      values[static_cast<std::size_t>(f)] = frames(f, d);
    sorted.clear();
    const Moments moments(values);
    for (std::size_t s = 0; s < statistics.size(); ++s) {
      out[s * static_cast<std::size_t>(dims) + static_cast<std::size_t>(d)] =
          static_cast<float>(statistic_of(statistics[s], values, moments, sorted));
    }
  }
  return out;
}

std::vector<std::string> pooled_names(const std::vector<std::string>& dimensions,
                                      const std::vector<Statistic>& statistics) {
  std::vector<std::string> names;
  for (const Statistic& statistic : statistics) {
    for (const std::string& dimension : dimensions)
      names.push_back(dimension + "_" + statistic.name);
  }
  return names;
}

}  // namespace mirkit::features
