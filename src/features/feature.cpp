#include "mirkit/features/feature.hpp"

#include <stdexcept>

namespace mirkit::features {

// Only global features are asked for these, and each of them overrides both.
dsp::Matrix Feature::frame_values(AnalysisContext&) const {
  throw std::logic_error("Feature::frame_values: not a global feature");
}

dsp::Matrix Feature::summarize(const dsp::Matrix&) const {
  throw std::logic_error("Feature::summarize: not a global feature");
}

}  // namespace mirkit::features
