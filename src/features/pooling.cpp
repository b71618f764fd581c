#include "mirkit/features/pooling.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>

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
  double mean = 0.0, m2 = 0.0, m3 = 0.0, m4 = 0.0;  // central moments (sums / n)
  double min = 0.0, max = 0.0;

  Moments() = default;
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
    const auto [low, high] = std::minmax_element(values.begin(), values.end());
    min = *low, max = *high;
  }
  // A spread this small relative to the mean is rounding noise.
  bool constant() const { return m2 <= 1e-24 * std::max(1.0, mean * mean); }
};

double statistic_of(const Statistic& statistic, const Moments& moments,
                    const std::vector<double>& ordered) {
  using Kind = Statistic::Kind;
  switch (statistic.kind) {
    case Kind::mean:
      return moments.mean;
    case Kind::std:
      return std::sqrt(moments.m2);
    case Kind::var:
      return moments.m2;
    case Kind::min:
      return moments.min;
    case Kind::max:
      return moments.max;
    case Kind::skew:
      return moments.constant() ? 0.0 : moments.m3 / std::pow(moments.m2, 1.5);
    case Kind::kurtosis:
      return moments.constant() ? 0.0 : moments.m4 / (moments.m2 * moments.m2) - 3.0;
    case Kind::median:
    case Kind::percentile:
      return percentile_of(ordered, percentile_p(statistic));
  }
  return 0.0;
}

// An anonymous file in $TMPDIR (else /tmp), as a cluster's job sets it to node-local scratch
// (std::tmpfile ignores TMPDIR): unlinked at once, so nothing is left behind, even after a kill.
std::FILE* temporary_file() {
  const char* tmpdir = std::getenv("TMPDIR");
  const std::string folder = tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp";
  std::string path = folder + "/mirkit-percentiles.XXXXXX";
  const int fd = mkstemp(path.data());
  std::FILE* file = fd < 0 ? nullptr : fdopen(fd, "w+b");
  if (file == nullptr) {
    const int code = errno;
    if (fd >= 0) close(fd);
    throw fatal_error("cannot create a temporary file for percentiles in " + folder + " (" +
                      std::strerror(code) + "): set TMPDIR to a writable folder");
  }
  unlink(path.c_str());
  return file;
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
          static_cast<float>(statistic_of(statistics[s], moments, ordered));
    }
  }
  return out;
}

PoolAccumulator::PoolAccumulator(Eigen::Index dims, std::vector<Statistic> statistics)
    : statistics_(std::move(statistics)), columns_(static_cast<std::size_t>(dims)) {
  const bool percentiles = std::any_of(statistics_.begin(), statistics_.end(), [](const auto& s) {
    return s.kind == Statistic::Kind::median || s.kind == Statistic::Kind::percentile;
  });
  if (percentiles) spill_ = temporary_file();
}

PoolAccumulator::~PoolAccumulator() {
  if (spill_ != nullptr) std::fclose(spill_);
}

void PoolAccumulator::add(const dsp::Matrix& frames) {
  if (frames.rows() == 0) return;
  std::vector<double> values(static_cast<std::size_t>(frames.rows()));
  for (Eigen::Index d = 0; d < frames.cols(); ++d) {
    for (Eigen::Index f = 0; f < frames.rows(); ++f)
      values[static_cast<std::size_t>(f)] = frames(f, d);
    const Moments b(values);
    Column& a = columns_[static_cast<std::size_t>(d)];
    const double na = a.count, nb = static_cast<double>(frames.rows()), n = na + nb;
    if (na == 0) {
      a = {nb, b.mean, b.m2 * nb, b.m3 * nb, b.m4 * nb, b.min, b.max};
      continue;
    }
    // Pébay (2008), the pairwise update of central sums (Chan et al. for the second).
    const double delta = b.mean - a.mean, d_n = delta / n;
    const double m2b = b.m2 * nb, m3b = b.m3 * nb, m4b = b.m4 * nb;
    const double m4 =
        a.m4 + m4b + delta * d_n * d_n * d_n * na * nb * (na * na - na * nb + nb * nb) +
        6.0 * d_n * d_n * (na * na * m2b + nb * nb * a.m2) + 4.0 * d_n * (na * m3b - nb * a.m3);
    const double m3 =
        a.m3 + m3b + delta * d_n * d_n * na * nb * (na - nb) + 3.0 * d_n * (na * m2b - nb * a.m2);
    a.m2 += m2b + delta * d_n * na * nb;
    a.m3 = m3;
    a.m4 = m4;
    a.mean += d_n * nb;
    a.count = n;
    a.min = std::min(a.min, b.min);
    a.max = std::max(a.max, b.max);
  }
  if (spill_ == nullptr) return;
  // Column-major, so that a column is read back in one run per block.
  const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor> by_column = frames;
  if (std::fwrite(by_column.data(), sizeof(float), static_cast<std::size_t>(by_column.size()),
                  spill_) != static_cast<std::size_t>(by_column.size())) {
    throw fatal_error(std::string("cannot write the temporary file for percentiles (") +
                      std::strerror(errno) + ")");
  }
  block_rows_.push_back(frames.rows());
}

std::vector<double> PoolAccumulator::column_values(Eigen::Index d) const {
  std::vector<double> values;
  std::vector<float> block;
  const auto dims = static_cast<Eigen::Index>(columns_.size());
  long offset = 0;  // of the current block, in floats
  for (const Eigen::Index rows : block_rows_) {
    block.resize(static_cast<std::size_t>(rows));
    if (std::fseek(spill_, static_cast<long>((offset + d * rows) * sizeof(float)), SEEK_SET) != 0 ||
        std::fread(block.data(), sizeof(float), block.size(), spill_) != block.size()) {
      throw fatal_error("cannot read back the temporary file for percentiles");
    }
    values.insert(values.end(), block.begin(), block.end());
    offset += static_cast<long>(rows * dims);
  }
  return values;
}

std::vector<float> PoolAccumulator::result() const {
  const auto dims = columns_.size();
  std::vector<float> out(statistics_.size() * dims, 0.0f);
  if (columns_.empty() || columns_[0].count == 0) return out;
  if (spill_ != nullptr) std::fflush(spill_);
  std::vector<double> ordered;
  for (std::size_t d = 0; d < dims; ++d) {
    const Column& c = columns_[d];
    Moments moments;
    moments.mean = c.mean;
    moments.m2 = c.m2 / c.count, moments.m3 = c.m3 / c.count, moments.m4 = c.m4 / c.count;
    moments.min = c.min, moments.max = c.max;
    if (spill_ != nullptr) {
      ordered = column_values(static_cast<Eigen::Index>(d));
      select_ranks(ordered, percentile_ranks(statistics_, ordered.size()));
    }
    for (std::size_t s = 0; s < statistics_.size(); ++s)
      out[s * dims + d] = static_cast<float>(statistic_of(statistics_[s], moments, ordered));
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
