// A frame descriptor, configured from declared parameters, and the registry of them all.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mirkit/core/params.hpp"
#include "mirkit/core/registry.hpp"
#include "mirkit/features/analysis.hpp"

namespace mirkit::features {

class Feature {
 public:
  virtual ~Feature() = default;

  // Stable names of the output columns ("mfcc_01", "chroma_stft_A", …).
  virtual std::vector<std::string> dimension_names() const = 0;
  // frames × dimensions (for a global feature: 1 × dimensions).
  virtual dsp::Matrix compute(AnalysisContext& context) const = 0;
  // One value per clip (tempo): appended to a pooled vector as it is, not pooled.
  virtual bool is_global() const { return false; }

  // A global feature's value derives from per-frame values (tempo: from the onset envelope):
  // those, frames × k, and the value from them. compute() is the two in turn; a clip analysed
  // in pieces gathers the per-frame values of every piece, then summarises once.
  virtual dsp::Matrix frame_values(AnalysisContext& context) const;
  virtual dsp::Matrix summarize(const dsp::Matrix& frame_values) const;

  // Whether the feature needs the whole clip at once, beyond what ClipReferences carry (chroma
  // with its tuning estimated from the whole clip): a long clip is then analysed whole.
  virtual bool needs_whole_clip() const { return false; }

  // Whether the feature hangs on the quietest bins of the STFT, which a float transform's
  // rounding swamps (spectral contrast's valleys): a recipe with one takes its one STFT in
  // double, for every feature (rounded to float, as librosa's own), instead of two transforms.
  virtual bool needs_spectrum_in_double() const { return false; }
};

struct FeatureDefinition {
  std::string name;
  std::string description;  // one line
  std::string output;       // what the columns are, for `mirkit list features`
  ParamSchema params;
  // `params` are resolved (every declared key present).
  std::function<std::unique_ptr<Feature>(const Json& params, const AnalysisSettings& settings)>
      create;
};

// Every built-in feature, in the order `mirkit list features` shows them
// (src/features/builtin.cpp).
using FeatureRegistry = Registry<FeatureDefinition>;
const FeatureRegistry& feature_registry();

// Throws a usage error naming the known features (and the likely intended one).
const FeatureDefinition& find_feature(const std::string& name);

}  // namespace mirkit::features
