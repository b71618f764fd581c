// One hidden Markov model per class over frame sequences; p(c | X) ∝ p(c) p(X | c) with p(X | c)
// from the forward recursion (Rabiner 1989, §VI: isolated-word recognition).
#pragma once

#include <vector>

#include "mirkit/models/classifier.hpp"
#include "mirkit/models/hmm.hpp"

namespace mirkit::models {

class HmmClassifier : public SequenceClassifier {
 public:
  explicit HmmClassifier(HmmOptions options = {});

  // Class models are trained in parallel over FitOptions::threads, class c from
  // derive_seed(seed, c).
  void fit(const SequenceView& x, std::span<const int> labels, int classes,
           const FitOptions& options) override;
  dsp::Matrix predict_proba(const SequenceView& x) const override;
  void save(ModelState& state) const override;
  void load(const ModelState& state) override;
  Json training_report() const override;

  const std::vector<GaussianHmm>& models() const { return models_; }

 private:
  HmmOptions options_;
  std::vector<GaussianHmm> models_;
  Eigen::VectorXd log_priors_;
};

}  // namespace mirkit::models
