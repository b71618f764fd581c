// Preprocessing fitted on the training data and stored with the model: standardisation
// (scikit-learn's StandardScaler) and an optional PCA.
#pragma once

#include "mirkit/core/schema.hpp"
#include "mirkit/dsp/matrix.hpp"
#include "mirkit/models/model_state.hpp"

namespace mirkit::models {

// x ↦ (x − mean) / std per column, the population std (ddof 0); a constant column keeps scale 1
// so it maps to 0 instead of dividing by zero (as scikit-learn).
class StandardScaler {
 public:
  void fit(const dsp::Matrix& x);  // items × dims
  dsp::Matrix transform(const dsp::Matrix& x) const;
  void save(ModelState& state) const;
  void load(const ModelState& state);

  const Eigen::VectorXd& mean() const { return mean_; }
  const Eigen::VectorXd& scale() const { return scale_; }

 private:
  Eigen::VectorXd mean_, scale_;
};

// Principal components of the centred data from the covariance's eigen-decomposition (Eigen's
// SelfAdjointEigenSolver), largest variance first. Each component's sign is fixed so that its
// largest-magnitude loading is positive (the first on a tie): the same data always gives the same
// projection, whatever the solver's internal choices.
class Pca {
 public:
  explicit Pca(int components = 0, bool whiten = false);

  void fit(const dsp::Matrix& x);                     // needs components ≤ dims
  dsp::Matrix transform(const dsp::Matrix& x) const;  // items × components
  void save(ModelState& state) const;
  void load(const ModelState& state);

  const dsp::MatrixD& components() const { return components_; }  // components × dims
  const Eigen::VectorXd& explained_variance() const { return variance_; }

 private:
  int components_wanted_;
  bool whiten_;
  Eigen::VectorXd mean_, variance_;
  dsp::MatrixD components_;
};

struct PreprocessOptions {
  bool standardize = true;
  int pca_components = 0;  // 0: no PCA
  bool pca_whiten = false;

  static const Schema<PreprocessOptions>& schema();  // a recipe's "preprocessing" object
};

// Scaler then PCA, as configured.
class Preprocessor {
 public:
  explicit Preprocessor(PreprocessOptions options = {});

  void fit(const dsp::Matrix& x);
  dsp::Matrix transform(const dsp::Matrix& x) const;
  void save(ModelState& state) const;  // tensors "scaler.*", "pca.*"
  void load(const ModelState& state);

 private:
  PreprocessOptions options_;
  StandardScaler scaler_;
  Pca pca_;
};

}  // namespace mirkit::models
