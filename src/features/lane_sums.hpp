// Long sums of squares in double, four vector lanes at a time (lane j takes the elements
// k ≡ j mod 4, the lanes added pairwise at the end, then the last elements in order): a fixed
// order, so the same bits from the AVX2 and baseline clones, at vector speed instead of one
// dependent add per element. Internal to the features layer.
#pragma once

#include <cstddef>

namespace mirkit::features {

// Σ x[k]² for k < n.
double sum_of_squares(const float* x, std::size_t n);
// Σ max(0, current[k] − previous[k])² for k < n (the rise of a spectrum, for spectral flux).
double sum_of_squared_rises(const float* previous, const float* current, std::size_t n);

}  // namespace mirkit::features
