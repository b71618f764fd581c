// One face for every kind of classifier the stages handle: pooled vectors (one row per item, or
// one per texture window, scored as the mean over the item's rows), frame sequences, and tags
// (multi-label, one-vs-rest over either). Items and labels come straight from a feature file.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "mirkit/models/classifier.hpp"
#include "mirkit/models/model_config.hpp"
#include "mirkit/models/one_vs_rest.hpp"
#include "mirkit/pipeline/feature_file.hpp"

namespace mirkit::pipeline {

// The labels of a feature file's items as a model sees them.
struct LabelSet {
  std::vector<std::string> classes;  // sorted
  bool multi_label = false;
  std::vector<int> single;  // single-label: each item's class index
  dsp::Matrix tags;         // multi-label: items × classes, 0/1

  // Single-label unless some item has several labels (or `force_multi_label`). Throws a usage
  // Error naming an unlabelled item. With `known` classes (a trained model's), a label outside
  // them is a usage Error naming it.
  static LabelSet from_items(const std::vector<FeatureItem>& items, bool force_multi_label = false,
                             const std::vector<std::string>* known = nullptr);
};

class TrainedModel {
 public:
  // An untrained model of `config`, for data of `layout` (a pooled model on frames, or the
  // reverse, is a usage Error saying how to extract instead).
  static TrainedModel create(const models::ModelConfig& config, FeatureLayout layout,
                             bool multi_label);
  // A trained model back from its state (ModelFile::state).
  static TrainedModel restore(const models::ModelState& state, FeatureLayout layout,
                              bool multi_label);

  TrainedModel(TrainedModel&&) noexcept;
  TrainedModel& operator=(TrainedModel&&) noexcept;
  ~TrainedModel();

  // Fits on the items `rows` of `features` (all of them when empty).
  void fit(const FeatureFile& features, const LabelSet& labels, const models::FitOptions& options,
           const std::vector<int>& items = {});
  // items × classes: class probabilities (single-label) or each tag's probability.
  dsp::Matrix scores(const FeatureFile& features, const std::vector<int>& items = {}) const;
  // Multi-label: the per-tag thresholds; single-label: empty.
  std::vector<double> thresholds() const;

  void save(models::ModelState& state) const;
  Json training_report() const;

 private:
  TrainedModel() = default;
  FeatureLayout layout_ = FeatureLayout::pooled;
  std::unique_ptr<models::Classifier> pooled_;
  std::unique_ptr<models::SequenceClassifier> sequences_;
  std::unique_ptr<models::OneVsRest> tags_;
  std::unique_ptr<models::SequenceOneVsRest> sequence_tags_;
};

}  // namespace mirkit::pipeline
