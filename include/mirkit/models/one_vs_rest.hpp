// Multi-label classification (tags): one binary classifier per tag, each predicting P(tag), and a
// threshold per tag — fixed, or tuned for the best F1 on a seeded hold-out of the training set,
// after which the tag's classifier is refitted on all of it.
//
// Works over either kind of classifier: pooled vectors (OneVsRest, one row per item) or frame
// sequences (SequenceOneVsRest, e.g. a GMM over frames or an HMM per tag value).
#pragma once

#include <functional>
#include <memory>
#include <type_traits>
#include <vector>

#include "mirkit/models/classifier.hpp"
#include "mirkit/models/model_config.hpp"

namespace mirkit::models {

template <typename Model>
class BasicOneVsRest {
 public:
  // What the binary classifiers take: a matrix of pooled vectors or a view of frame sequences.
  using Input =
      std::conditional_t<std::is_same_v<Model, SequenceClassifier>, SequenceView, dsp::Matrix>;
  using Factory = std::function<std::unique_ptr<Model>()>;

  // `config`, when given, is saved with the state (values["config"]) so that the restore
  // functions below can rebuild the factory.
  BasicOneVsRest(Factory make_binary, MultiLabelOptions options = {}, Json config = nullptr);

  // `tags` is items × tags of 0/1. A tag that is always (or never) on in training gets no
  // classifier: its score is that constant.
  void fit(const Input& x, const dsp::Matrix& tags, const FitOptions& options);
  dsp::Matrix predict_scores(const Input& x) const;  // items × tags, P(tag)
  dsp::Matrix predict(const Input& x) const;         // items × tags, 0/1
  const std::vector<double>& thresholds() const { return thresholds_; }

  void save(ModelState& state) const;  // tag t's classifier under "tag<t>"
  void load(const ModelState& state);
  Json training_report() const;

 private:
  Factory make_binary_;
  MultiLabelOptions options_;
  Json config_;
  std::vector<std::unique_ptr<Model>> tags_;  // null: constant tag
  std::vector<double> constant_;              // the score of a constant tag
  std::vector<double> thresholds_;
  std::vector<Json> reports_;
};

extern template class BasicOneVsRest<Classifier>;
extern template class BasicOneVsRest<SequenceClassifier>;
using OneVsRest = BasicOneVsRest<Classifier>;
using SequenceOneVsRest = BasicOneVsRest<SequenceClassifier>;

// One-vs-rest over the configured classifier (preprocessing and balancing per tag). The model
// must take pooled vectors (first pair) or frame sequences (second pair); the other kind is a
// usage Error saying so.
std::unique_ptr<OneVsRest> create_multilabel_classifier(const ModelConfig& config);
std::unique_ptr<OneVsRest> restore_multilabel_classifier(const ModelState& state);
std::unique_ptr<SequenceOneVsRest> create_multilabel_sequence_classifier(const ModelConfig& config);
std::unique_ptr<SequenceOneVsRest> restore_multilabel_sequence_classifier(const ModelState& state);

// The threshold t maximising F1 of "score ≥ t" over (truth, score) pairs; candidates are the
// distinct scores, ties go to the higher threshold; `fallback` when there is no positive.
double best_f1_threshold(std::span<const int> truth, std::span<const float> scores,
                         double fallback);

}  // namespace mirkit::models
