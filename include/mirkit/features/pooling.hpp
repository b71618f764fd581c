// Statistical pooling: frames × dims → one vector (or one per texture window), with stable
// names "<dimension>_<statistic>".
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "mirkit/dsp/matrix.hpp"

namespace mirkit::features {

// mean, std, var (ddof 0), min, max, median, skew (Fisher, biased), kurtosis (excess, biased),
// or a percentile "p<0–100>" (linear interpolation, as numpy). Skew and kurtosis of a constant
// are 0 (scipy gives NaN, which no model can use).
struct Statistic {
  enum class Kind { mean, std, var, min, max, median, skew, kurtosis, percentile } kind;
  double percentile = 0.0;  // for Kind::percentile
  std::string name;         // as written in the config: "mean", "p90", …
};

// Parses "mean", "std", …, "p10". Throws a usage error naming the accepted forms.
Statistic parse_statistic(const std::string& name);

// Statistics over the rows of `frames`, statistic-major: all dims' first statistic, then all
// dims' second, … (the layout of the GTZAN reference vectors). An empty input gives zeros.
std::vector<float> pool(const dsp::Matrix& frames, const std::vector<Statistic>& statistics);

// pool() of frames that come block by block (a long file, piece after piece), in memory that
// does not grow with their number: the moments are merged exactly with Pébay's pairwise update
// (in double; equal to pool()'s to float rounding), min and max kept, and percentiles exact by
// selection over each column's values, which are kept, column-major per block, in an unlinked
// temporary file in $TMPDIR (else /tmp; only when a percentile is asked for), read back one
// column at a time. A fatal Error naming the folder when it cannot be made.
class PoolAccumulator {
 public:
  PoolAccumulator(Eigen::Index dims, std::vector<Statistic> statistics);
  ~PoolAccumulator();
  PoolAccumulator(const PoolAccumulator&) = delete;
  PoolAccumulator& operator=(const PoolAccumulator&) = delete;

  void add(const dsp::Matrix& frames);  // frames × dims
  std::vector<float> result() const;    // pool()'s layout

 private:
  struct Column {
    double count = 0, mean = 0, m2 = 0, m3 = 0, m4 = 0;  // central sums, not divided by count
    double min = 0, max = 0;
  };
  std::vector<double> column_values(Eigen::Index d) const;  // from the spill file

  std::vector<Statistic> statistics_;
  std::vector<Column> columns_;
  std::FILE* spill_ = nullptr;
  std::vector<Eigen::Index> block_rows_;  // of each block in the spill file
};

// Names for pool()'s output, in the same order.
std::vector<std::string> pooled_names(const std::vector<std::string>& dimensions,
                                      const std::vector<Statistic>& statistics);

}  // namespace mirkit::features
