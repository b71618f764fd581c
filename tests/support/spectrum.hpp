// Spectral measurements for the resampler's tests, on FFTW.
#pragma once

#include <vector>

namespace mirkit::test {

// 10·log10(Σ|R|² / Σ|R − X|²) over the DFT bins below `max_frequency` Hz, with both signals
// under one Hann window (so the edges and the band above weigh nothing). Lengths must match.
double band_limited_snr_db(const std::vector<float>& reference, const std::vector<float>& x,
                           int rate, double max_frequency);

}  // namespace mirkit::test
