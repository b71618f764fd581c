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

// numpy.percentile, linear: the value at rank p/100 · (n − 1), between the order statistics
// `lo` and `hi`.
struct PercentileRank {
  std::size_t lo, hi;
  double fraction;
};

PercentileRank percentile_rank(double p, std::size_t n) {
  const double rank = p / 100.0 * static_cast<double>(n - 1);
  const auto lo = static_cast<std::size_t>(std::floor(rank));
  return {lo, std::min(lo + 1, n - 1), rank - static_cast<double>(lo)};
}

double percentile_p(const Statistic& statistic) {
  return statistic.kind == Statistic::Kind::median ? 50.0 : statistic.percentile;
}

// `ordered` holds at each rank a percentile reads the value a full sort would put there.
double percentile_of(const std::vector<double>& ordered, double p) {
  const PercentileRank r = percentile_rank(p, ordered.size());
  return ordered[r.lo] + r.fraction * (ordered[r.hi] - ordered[r.lo]);
}

// The ranks the statistics' percentiles read, lowest first, without repeats.
std::vector<std::size_t> percentile_ranks(const std::vector<Statistic>& statistics, std::size_t n) {
  std::vector<std::size_t> ranks;
  for (const Statistic& statistic : statistics) {
    if (statistic.kind != Statistic::Kind::median && statistic.kind != Statistic::Kind::percentile)
      continue;
    const PercentileRank r = percentile_rank(percentile_p(statistic), n);
    ranks.push_back(r.lo);
    ranks.push_back(r.hi);
  }
  std::sort(ranks.begin(), ranks.end());
  ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());
  return ranks;
}

// Puts at each of `ranks` (lowest first) the value a full sort would put there: a selection per
// rank, each over what lies above the previous one — a few passes instead of a sort.
void select_ranks(std::vector<double>& values, const std::vector<std::size_t>& ranks) {
  auto from = values.begin();
  for (const std::size_t rank : ranks) {
    const auto at = values.begin() + static_cast<std::ptrdiff_t>(rank);
    std::nth_element(from, at, values.end());
    from = at + 1;
  }
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
                    const Moments& moments, const std::vector<double>& ordered) {
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
      return percentile_of(ordered, percentile_p(statistic));
  }
  return 0.0;
}

}  // namespace

std::vector<float> pool(const dsp::Matrix& frames, const std::vector<Statistic>& statistics) {
  const Eigen::Index dims = frames.cols();
  std::vector<float> out(statistics.size() * static_cast<std::size_t>(dims), 0.0f);
  if (frames.rows() == 0) return out;
  std::vector<double> values(static_cast<std::size_t>(frames.rows())), ordered;
  const std::vector<std::size_t> ranks = percentile_ranks(statistics, values.size());
  for (Eigen::Index d = 0; d < dims; ++d) {
    for (Eigen::Index f = 0; f < frames.rows(); ++f)
      values[static_cast<std::size_t>(f)] = frames(f, d);
    if (!ranks.empty()) {
      ordered = values;
      select_ranks(ordered, ranks);
    }
    const Moments moments(values);
    for (std::size_t s = 0; s < statistics.size(); ++s) {
      out[s * static_cast<std::size_t>(dims) + static_cast<std::size_t>(d)] =
          static_cast<float>(statistic_of(statistics[s], values, moments, ordered));
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
