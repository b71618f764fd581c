// Local derivatives along time, as librosa.feature.delta: a Savitzky–Golay filter (polynomial
// order = derivative order) over `width` frames, with scipy's "interp" edges.
#pragma once

#include "mirkit/dsp/matrix.hpp"

namespace mirkit::features {

// features: frames × dims. width: odd, ≥ 3. order: 1 (delta) or 2 (delta-delta), … < width.
// With fewer frames than `width` (librosa refuses), the widest odd window that fits is used; with
// no more frames than `order`, the result is zeros.
dsp::Matrix delta(const dsp::Matrix& features, int width = 9, int order = 1);

}  // namespace mirkit::features
