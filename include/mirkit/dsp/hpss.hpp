// Harmonic–percussive separation by median filtering (Fitzgerald 2010; Driedger et al. 2014 for
// the margin), as librosa.decompose.hpss: harmonic sounds are smooth along time, percussive ones
// along frequency, and soft masks share each bin between the two.
#pragma once

#include "mirkit/dsp/matrix.hpp"

namespace mirkit::dsp {

struct HpssOptions {
  int harmonic_kernel = 31;      // frames of the median along time (odd)
  int percussive_kernel = 31;    // bins of the median along frequency (odd)
  double power = 2.0;            // soft-mask exponent
  double harmonic_margin = 1.0;  // ≥ 1; above 1 leaves a residual that is neither
  double percussive_margin = 1.0;
};

struct HpssParts {
  Matrix harmonic;    // frames × bins magnitudes
  Matrix percussive;  // frames × bins magnitudes
};

// magnitude: frames × bins. With both margins 1 the parts add up to the input.
HpssParts hpss(const Matrix& magnitude, const HpssOptions& options = {});

// Median over a window of `kernel` (odd) samples centred on each sample of x[0], x[stride], …,
// x[(count − 1)·stride], with scipy.ndimage's "reflect" edges (d c b a | a b c d | d c b a).
void median_filter_line(const float* x, std::size_t count, std::ptrdiff_t stride, int kernel,
                        float* out, std::ptrdiff_t out_stride);

// median_filter_line down every column of `x`, or along every row, eight lines at a time in
// vector lanes: the same floats, bit for bit, several times faster (bench_features, BM_Hpss).
enum class MedianAxis { columns, rows };
Matrix median_filter(const Matrix& x, int kernel, MedianAxis axis);

}  // namespace mirkit::dsp
