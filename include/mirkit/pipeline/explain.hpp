// Why a model said what it said about one clip. For any model: its class probabilities segment
// by segment over time. For neural networks: an occlusion saliency map over the input
// spectrogram (there is no backward pass in the engine, so no gradient or Grad-CAM map). For
// tree ensembles (random forests, gradient boosting): the feature importances found in training.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "mirkit/dsp/matrix.hpp"

namespace mirkit::pipeline {

struct ClassTimeline {
  std::vector<std::string> classes;
  dsp::Matrix probabilities;   // segments × classes
  std::vector<double> starts;  // seconds
  double segment_s = 0;        // each segment's length
  double duration_s = 0;       // of the analysed audio
};

// Occlusion sensitivity (Zeiler & Fergus 2014): a patch of the input is replaced by the
// window's mean value and the network run again; a cell's saliency is the mean drop in the
// class's probability over the patches that covered it. Positive: the region spoke for the
// class; negative: against it.
struct SaliencyMap {
  dsp::Matrix input;       // frames × bins: what the network read (a log-mel spectrogram in dB)
  dsp::Matrix saliency;    // frames × bins
  std::string input_name;  // the recipe's feature ("melspectrogram")
  std::vector<double> band_hz;  // each column's centre frequency, when the input is mel bands
  double hop_s = 0;             // seconds per frame
  int patch_frames = 0, patch_bins = 0;
};

struct FeatureImportances {
  std::vector<std::string> names;  // the model's input columns
  std::vector<double> values;      // summing to 1
  std::string measure;             // "mean decrease in impurity" (forests), "split gain" (boosting)
};

struct Explanation {
  std::string model_kind;        // "network", or the classical model's name ("random_forest", …)
  std::string class_name;        // the class explained: the chosen one, or the most probable
  double class_probability = 0;  // of the whole clip
  ClassTimeline timeline;
  std::optional<SaliencyMap> saliency;            // networks reading frames × bins
  std::optional<FeatureImportances> importances;  // tree ensembles
  std::vector<std::string> notes;                 // what could not be shown, and why
};

struct ExplainOptions {
  std::filesystem::path model;  // a model file from `train`, or a network file
  std::filesystem::path audio;
  std::optional<std::string> class_name;  // default: the clip's most probable class
  std::optional<double> segment_s;        // default: the network's window; 1 s otherwise
};

// A usage Error names a bad model file or an unknown class (listing the classes); an input
// Error names an unreadable audio file.
Explanation explain(const ExplainOptions& options);

}  // namespace mirkit::pipeline
