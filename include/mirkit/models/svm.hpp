// Support vector classification through LIBSVM (Chang & Lin 2011): C-SVC, one-vs-one for more
// than two classes, probabilities from Platt scaling of each pair (Platt 2000, with Lin, Lin &
// Weng 2007's fix) coupled as in Wu, Lin & Weng 2004. LIBSVM's types stay inside src/models/.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "mirkit/models/classifier.hpp"

namespace mirkit::models {

struct SvmOptions {
  std::string kernel = "rbf";  // linear | rbf | poly
  double c = 1.0;
  double gamma = 0.0;  // 0: 1/dims (LIBSVM's default)
  int degree = 3;      // poly: (γ u·v + coef0)^degree
  double coef0 = 0.0;
  bool probability = true;  // Platt-scaled probabilities; otherwise one-hot of the vote
  double tolerance = 1e-3;  // LIBSVM's -e
  double cache_mb = 100;
  bool shrinking = true;
  // Grid search by stratified k-fold cross-validated accuracy over log2 C and log2 γ ranges
  // [start, stop, step] (LIBSVM's grid.py: C 2^-5 … 2^15 step 2^2, γ 2^3 … 2^-15 step 2^-2).
  // γ is not searched for the linear kernel. The best accuracy wins; on a tie the first in
  // grid order (smaller C first, then γ in the order given).
  bool grid_search = false;
  std::vector<double> log2_c = {-5, 15, 2};
  std::vector<double> log2_gamma = {3, -15, -2};
  int folds = 5;
};

class SvmClassifier : public Classifier {
 public:
  explicit SvmClassifier(SvmOptions options = {});
  ~SvmClassifier() override;
  SvmClassifier(const SvmClassifier&) = delete;
  SvmClassifier& operator=(const SvmClassifier&) = delete;

  // LIBSVM's global rand() (used by its probability fit) is seeded with FitOptions::seed under a
  // process-wide lock; the grid search runs its folds on FitOptions::threads.
  void fit(const dsp::Matrix& x, std::span<const int> labels, int classes,
           const FitOptions& options) override;
  dsp::Matrix predict_proba(const dsp::Matrix& x) const override;
  // LIBSVM's own label of each row (its vote, which can differ from the most probable class).
  std::vector<int> predict(const dsp::Matrix& x) const;
  void save(ModelState& state) const override;
  void load(const ModelState& state) override;
  Json training_report() const override { return report_; }

  // For tests against svm-train's model file.
  std::vector<double> rho() const;
  std::vector<int> support_vectors_per_class() const;  // in LIBSVM's label order

 private:
  struct Model;
  SvmOptions options_;
  std::unique_ptr<Model> model_;
  Json report_ = Json::object();
};

}  // namespace mirkit::models
