// Local derivatives along time, as librosa.feature.delta: a Savitzky–Golay filter (polynomial
// order = derivative order) over `width` frames, with scipy's "interp" edges.
#pragma once

#include "mirkit/dsp/matrix.hpp"

namespace mirkit::features {

// features: frames × dims. width: odd, ≥ 3. order: 1 (delta) or 2 (delta-delta), … < width.
// With fewer frames than `width` (librosa refuses), the widest odd window that fits is used; with
// no more frames than `order`, the result is zeros.
dsp::Matrix delta(const dsp::Matrix& features, int width = 9, int order = 1);

// Frames given block by block come out with their deltas appended (frames × dims·(1 + orders)),
// equal bit for bit to delta() of the whole sequence, holding only `width` frames back: a frame
// leaves once the frames its window reads have come, the last `width / 2` at finish(), when
// the end (and, for a sequence shorter than `width`, the narrower window) is known.
class DeltaStream {
 public:
  DeltaStream(int orders, int width);
  // The frames whose deltas are now known (possibly none), base columns then each order's.
  dsp::Matrix push(const dsp::Matrix& frames);
  dsp::Matrix finish();

 private:
  dsp::Matrix emit(Eigen::Index end);  // the frames before `end` (of the whole sequence)

  int orders_, width_;
  dsp::Matrix held_;             // the frames from held_start_ on
  Eigen::Index held_start_ = 0;  // in the whole sequence
  Eigen::Index received_ = 0, emitted_ = 0;
};

}  // namespace mirkit::features
