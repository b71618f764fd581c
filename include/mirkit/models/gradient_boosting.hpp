// Gradient-boosted trees for K classes with the softmax loss (Friedman 2001, §4.6): each round
// fits one regression tree per class to the loss's gradient and hessian and takes second-order
// (Newton) leaf values −G/(H+λ), as XGBoost (Chen & Guestrin 2016).
#pragma once

#include <memory>

#include "mirkit/models/classifier.hpp"

namespace mirkit::models {

struct GradientBoostingOptions {
  int rounds = 200;            // the most rounds; early stopping may keep fewer
  double learning_rate = 0.1;  // shrinkage of every leaf value
  int max_depth = 4;
  int min_samples_leaf = 5;
  double l2 = 1.0;         // λ on leaf values
  double subsample = 1.0;  // fraction of training rows drawn (without replacement) per round
  int max_bins = 255;      // histogram bins per feature, ≤ 256
  // Early stopping: a stratified, seeded hold-out of this fraction (0: off) is scored by log
  // loss after each round; training stops after `patience` rounds without improvement and keeps
  // the best round.
  double validation_fraction = 0.1;
  int patience = 10;
};

// Trees of one round (one per class) are grown in parallel over FitOptions::threads; each depends
// only on the round's data, so the model is the same for any thread count. The report has
// "rounds" (kept), "best_validation_log_loss", "validation_items", "feature_importances" (each
// feature's share of the split gain in the kept rounds: XGBoost's total_gain, normalised) and
// "curves": per grown round, the training and validation log loss and the validation accuracy.
class GradientBoosting : public Classifier {
 public:
  explicit GradientBoosting(GradientBoostingOptions options = {});
  ~GradientBoosting() override;

  void fit(const dsp::Matrix& x, std::span<const int> labels, int classes,
           const FitOptions& options) override;
  dsp::Matrix predict_proba(const dsp::Matrix& x) const override;
  void save(ModelState& state) const override;
  void load(const ModelState& state) override;
  Json training_report() const override { return report_; }

 private:
  struct Trees;
  // Raw scores (items × classes) of the first `rounds` rounds.
  dsp::MatrixD scores(const dsp::Matrix& x, std::size_t rounds) const;

  GradientBoostingOptions options_;
  std::unique_ptr<Trees> trees_;
  std::vector<double> initial_;  // per class: log prior
  int classes_ = 0, dims_ = 0;
  Json report_ = Json::object();
};

}  // namespace mirkit::models
