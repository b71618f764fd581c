// Generative classifiers with one Gaussian mixture per class: the posterior is
// p(c | x) ∝ p(c) p(x | c) with the class priors of the training set. Over frame sequences an
// item's log-likelihood is the sum of its frames' (frames treated as independent, the classic
// "bag of frames" timbre model: Aucouturier & Pachet 2002; Tzanetakis & Cook 2002).
#pragma once

#include <vector>

#include "mirkit/models/classifier.hpp"
#include "mirkit/models/gaussian_mixture.hpp"

namespace mirkit::models {

// Class mixtures are fitted in parallel over FitOptions::threads, class c from
// derive_seed(seed, c): the same model for any thread count.
class GmmClassifier : public Classifier {
 public:
  explicit GmmClassifier(GaussianMixtureOptions options = {});

  void fit(const dsp::Matrix& x, std::span<const int> labels, int classes,
           const FitOptions& options) override;
  dsp::Matrix predict_proba(const dsp::Matrix& x) const override;
  void save(ModelState& state) const override;
  void load(const ModelState& state) override;
  Json training_report() const override;

  // items × classes: log p(c) + log p(x | c).
  dsp::MatrixD joint_log_likelihood(const dsp::MatrixD& x) const;
  // One per class; a class absent from training has none and is never predicted.
  const std::vector<GaussianMixture>& mixtures() const { return mixtures_; }

 private:
  GaussianMixtureOptions options_;
  std::vector<GaussianMixture> mixtures_;  // an unfitted (0-component) mixture: absent class
  Eigen::VectorXd log_priors_;
};

// The same over frame sequences (the feature file's frames + offsets).
class GmmSequenceClassifier : public SequenceClassifier {
 public:
  explicit GmmSequenceClassifier(GaussianMixtureOptions options = {});

  void fit(const SequenceView& x, std::span<const int> labels, int classes,
           const FitOptions& options) override;
  dsp::Matrix predict_proba(const SequenceView& x) const override;
  void save(ModelState& state) const override;
  void load(const ModelState& state) override;
  Json training_report() const override;

 private:
  GaussianMixtureOptions options_;
  std::vector<GaussianMixture> mixtures_;
  Eigen::VectorXd log_priors_;  // of items, not frames
};

}  // namespace mirkit::models
