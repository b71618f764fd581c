// k-nearest neighbours. Probabilities are the (distance-)weighted votes of the k nearest training
// items; equal distances are broken by the lower training index, so results are deterministic.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "mirkit/models/classifier.hpp"

namespace mirkit::models {

class KdTree;  // src/models/kd_tree.hpp

struct KnnOptions {
  int k = 5;                         // at most the training size (smaller sets use all items)
  std::string metric = "euclidean";  // euclidean | cosine (1 − cos) | manhattan
  std::string weights = "uniform";   // uniform | distance (1/d; exact matches take all the weight)
  // auto | brute | kd_tree. auto picks the k-d tree for euclidean or manhattan when dims ≤ 15 and
  // there are at least 1000 training items: above ~15 dimensions a k-d tree visits most of its
  // leaves (Weber et al. 1998) and for small sets brute force by matrix products is as fast.
  // Cosine is always brute force.
  std::string algorithm = "auto";
};

struct Neighbours {
  std::vector<int> index;        // items × k training indices, nearest first, row-major
  std::vector<double> distance;  // the same layout
  int k = 0;
};

class KNearestNeighbours : public Classifier {
 public:
  explicit KNearestNeighbours(KnnOptions options = {});
  ~KNearestNeighbours() override;

  void fit(const dsp::Matrix& x, std::span<const int> labels, int classes,
           const FitOptions& options) override;
  dsp::Matrix predict_proba(const dsp::Matrix& x) const override;
  void save(ModelState& state) const override;
  void load(const ModelState& state) override;
  Json training_report() const override;

  // The k nearest training items of each row of x.
  Neighbours neighbours(const dsp::Matrix& x) const;
  bool uses_kd_tree() const { return tree_ != nullptr; }

 private:
  void prepare();

  KnnOptions options_;
  dsp::MatrixD train_;  // as stored: rows normalised to unit length for cosine
  std::vector<int> labels_;
  int classes_ = 0;
  std::unique_ptr<KdTree> tree_;
};

}  // namespace mirkit::models
