// Random forest (Breiman 2001): CART trees on bootstrap samples, a random subset of features per
// split, class probabilities averaged over the trees (as scikit-learn, not majority votes).
#pragma once

#include <memory>
#include <string>

#include "mirkit/models/classifier.hpp"

namespace mirkit::models {

struct RandomForestOptions {
  int trees = 200;
  std::string criterion = "gini";  // gini | entropy
  bool bootstrap = true;
  // Features tried per split: "sqrt", "log2", "all", a fraction of the dimensions ("0.3") or a
  // count ("12"); at least 1.
  std::string max_features = "sqrt";
  int max_depth = 0;  // 0: grow until pure
  int min_samples_leaf = 1;
  bool oob_score = true;  // out-of-bag accuracy, needs bootstrap
};

// Tree t is grown from its own stream derive_seed(seed, t), so the forest is the same for any
// thread count. The report has "oob_score" and "feature_importances" (mean over trees of each
// tree's normalised impurity decrease, as scikit-learn).
class RandomForest : public Classifier {
 public:
  explicit RandomForest(RandomForestOptions options = {});
  ~RandomForest() override;

  void fit(const dsp::Matrix& x, std::span<const int> labels, int classes,
           const FitOptions& options) override;
  dsp::Matrix predict_proba(const dsp::Matrix& x) const override;
  void save(ModelState& state) const override;
  void load(const ModelState& state) override;
  Json training_report() const override { return report_; }

 private:
  struct Trees;
  RandomForestOptions options_;
  std::unique_ptr<Trees> trees_;
  int classes_ = 0, dims_ = 0;
  Json report_ = Json::object();
};

// The number of features a max_features setting means for `dims` dimensions; a usage Error for a
// setting that is none of the accepted forms.
int resolve_max_features(const std::string& setting, int dims);

}  // namespace mirkit::models
