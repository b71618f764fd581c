#include "mirkit/features/chroma.hpp"

#include <limits>

namespace mirkit::features {

dsp::Matrix chroma_stft(const dsp::Matrix& power, const dsp::Filterbank& chroma_filters) {
  dsp::Matrix chroma = chroma_filters.apply(power);
  for (Eigen::Index f = 0; f < chroma.rows(); ++f) {
    const float peak = chroma.row(f).cwiseAbs().maxCoeff();
    // librosa.util.normalize(norm=inf): frames below the smallest normal float stay as they are.
    if (peak >= std::numeric_limits<float>::min()) chroma.row(f) /= peak;
  }
  return chroma;
}

}  // namespace mirkit::features
