// Comparing mirkit's frames × bins results with librosa's (bins, frames) golden arrays.
#pragma once

#include <string>

#include "mirkit/dsp/matrix.hpp"
#include "support/npy.hpp"

namespace mirkit::test {

struct Difference {
  double max_abs = 0;  // largest |ours − golden|
  double max_ref = 0;  // largest |golden|
  double max_rel = 0;  // largest |ours − golden| / |golden| over entries with |golden| > rel_floor
  double relative_to_max() const { return max_ref > 0 ? max_abs / max_ref : max_abs; }
};

// `ours` is frames × bins; `golden` is (bins, frames) or (1, frames) or (frames).
Difference compare_transposed(const dsp::Matrix& ours, const NpyArray& golden,
                              double rel_floor = 0.0);
Difference compare_vector(const dsp::Vector& ours, const NpyArray& golden, double rel_floor = 0.0);

// The sample rate of the golden signals (all but the resampling inputs).
inline constexpr int kGoldenRate = 22050;

// Records a measured worst difference for docs/parity.md (written by scripts/parity.sh from the
// lines this appends to $MIRKIT_PARITY_LOG, when set).
void record_parity(const std::string& feature, const std::string& signal, const std::string& metric,
                   double value, double tolerance);

}  // namespace mirkit::test
