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

// How much each cell of the network's input spoke for the class; positive: for it, negative:
// against it. Two methods:
//   gradient   (the default, Simonyan et al. 2014, "gradient × input"): the gradient of the
//              class's logit times the cell's difference from the window's mean, the
//              first-order estimate of what hiding the cell behind that mean would cost; one
//              backward pass per window.
//   occlusion  (Zeiler & Fergus 2014): a patch of the input is replaced by the window's mean
//              value and the network run again; a cell's saliency is the mean drop in the
//              class's probability over the patches that covered it. Works for every layer type.
struct SaliencyMap {
  dsp::Matrix input;       // frames × bins: what the network read (a log-mel spectrogram in dB)
  dsp::Matrix saliency;    // frames × bins
  std::string input_name;  // the recipe's feature ("melspectrogram")
  std::vector<double> band_hz;  // each column's centre frequency, when the input is mel bands
  double hop_s = 0;             // seconds per frame
  std::string method;           // "gradient" or "occlusion"
  int patch_frames = 0, patch_bins = 0;  // occlusion's patch
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
  // Networks: "gradient", "occlusion", or "auto" (gradient where every layer has a backward
  // pass, else occlusion, saying so in the notes).
  std::string saliency = "auto";
};

// A usage Error names a bad model file or an unknown class (listing the classes); an input
// Error names an unreadable audio file.
Explanation explain(const ExplainOptions& options);

}  // namespace mirkit::pipeline
