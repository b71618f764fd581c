// The CQT parameters shared by cqt, chroma_cqt and tonnetz, and the per-clip cache of |CQT|.
#pragma once

#include "common.hpp"
#include "mirkit/dsp/cqt.hpp"

namespace mirkit::features::descriptors {

// fmin, n_octaves (or n_bins), bins_per_octave, tuning.
std::vector<ParamSpec> cqt_params(int bins_per_octave_default);
dsp::CqtOptions cqt_options(const Json& params);
// |CQT| of the clip, frames × bins, computed once per clip for each set of options.
const dsp::Matrix& cqt_magnitude(AnalysisContext& context, const dsp::Cqt& cqt, const Json& params);

}  // namespace mirkit::features::descriptors
