// Means of the few smallest and largest values of many short rows: spectral contrast's valley
// and peak (the bottom and top 2 % of an octave band) in every frame.
#pragma once

#include <cstddef>
#include <span>

namespace mirkit::dsp {

// For each row r of a block (n values from x + r·stride, rows = low_means.size() =
// high_means.size()): the mean of its q smallest values and the mean of its q largest. Exact
// selection, ties included; each sum is taken in double from the extreme inwards (the smallest
// value first, or the largest), so the results have the same bits as the means of the two ends
// of the sorted row. 1 ≤ q ≤ n; the values must not be NaN.
void extreme_means(const float* x, std::size_t stride, std::size_t n, std::size_t q,
                   std::span<double> low_means, std::span<double> high_means);

}  // namespace mirkit::dsp
