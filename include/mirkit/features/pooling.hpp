// Statistical pooling: frames × dims → one vector (or one per texture window), with stable
// names "<dimension>_<statistic>".
#pragma once

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

// Names for pool()'s output, in the same order.
std::vector<std::string> pooled_names(const std::vector<std::string>& dimensions,
                                      const std::vector<Statistic>& statistics);

}  // namespace mirkit::features
