// A model file put to use, whichever kind it is: a classical model file or a neural network
// file (`train` with a network recipe, scripts/export_torch.py). It scores one clip's audio,
// segment by segment, with the feature recipe it was trained on, and the items of a feature
// file. What `predict`, `evaluate` and `explain` use, and the entry point for a program that
// classifies audio with the library (examples/classify_file.cpp).
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "mirkit/core/json.hpp"
#include "mirkit/features/extractor.hpp"
#include "mirkit/pipeline/feature_file.hpp"

namespace mirkit::pipeline {

// How a clip is cut into the segments a model scores, and how their scores combine.
struct Windowing {
  // Each segment's length in seconds; default: a network's own window (its fixed input length,
  // or the whole clip when it takes any length), a classical model's whole clip.
  std::optional<double> segment_s;
  // Networks: seconds between window starts; default half a window, so each moment is seen by
  // two windows (one at the clip's ends), the last window ending at the clip's end. Classical
  // segments do not overlap: a usage Error there.
  std::optional<double> hop_s;
  std::string aggregate = "mean";  // mean, vote, max (and attention, for networks)
};

struct ClipScores {
  std::vector<float> clip;     // classes: the aggregate over the segments
  dsp::Matrix segments;        // segments × classes
  std::vector<double> starts;  // each segment's start, seconds from the analysed audio's start
};

class ClipScorer {
 public:
  virtual ~ClipScorer() = default;

  const std::vector<std::string>& classes() const { return classes_; }
  bool multi_label() const { return multi_label_; }
  // Per class: a multi-label model's tag thresholds (0.5 where it has none).
  const std::vector<double>& thresholds() const { return thresholds_; }
  const Json& feature_config() const { return feature_config_; }
  const std::string& feature_config_hash() const { return feature_config_hash_; }
  // A neural network, whose windows overlap (Windowing::hop_s applies).
  virtual bool is_network() const { return false; }

  // The file read with `load`, analysed by `extractor` (built from feature_config()) in the
  // segments `windowing` asks for. The audio streams where the recipe allows
  // (FeatureExtractor::analyses_in_pieces): memory does not grow with the file's length.
  virtual ClipScores score(features::FeatureExtractor& extractor, const std::filesystem::path& path,
                           const io::LoadOptions& load, const Windowing& windowing) const = 0;
  // The same for audio already decoded: mono, at the extractor's analysis().sample_rate, held
  // in memory (a live stream's last seconds, a program's own buffer).
  virtual ClipScores score_signal(features::FeatureExtractor& extractor,
                                  std::span<const float> signal,
                                  const Windowing& windowing) const = 0;
  // items × classes for a feature file of feature_config_hash(); a network's windows over each
  // item's frames as `windowing` asks (its segment_s is not used).
  virtual dsp::Matrix score_items(const FeatureFile& features,
                                  const Windowing& windowing) const = 0;

  // Reads either kind of model file; a usage Error names the file and what is wrong.
  static std::unique_ptr<ClipScorer> load(const std::filesystem::path& path);
  // A network model file's bytes, held in memory (cross-validation's fold models); `where`
  // names it in errors.
  static std::unique_ptr<ClipScorer> from_network_bytes(const std::string& bytes,
                                                        const std::string& where);

 protected:
  std::vector<std::string> classes_;
  bool multi_label_ = false;
  std::vector<double> thresholds_;
  Json feature_config_;
  std::string feature_config_hash_;
};

}  // namespace mirkit::pipeline
