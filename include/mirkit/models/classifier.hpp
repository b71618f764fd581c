// The classifier interface every model implements: pooled vectors in (items × dims, one row per
// item), class probabilities out (items × classes, rows summing to 1). Frame-sequence models
// (GMM over frames, HMM) take the frames as the feature file stores them instead.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "mirkit/core/json.hpp"
#include "mirkit/dsp/matrix.hpp"
#include "mirkit/models/model_state.hpp"

namespace mirkit::models {

struct FitOptions {
  std::uint64_t seed = 0;  // every random choice derives from it; recorded in the model file
  int threads = 1;         // results are identical for any value
  // One weight per class (empty: all 1). Models that cannot weight classes never see a non-empty
  // one: create_classifier oversamples for them instead (see model_config.hpp).
  std::vector<double> class_weights;
};

class Classifier {
 public:
  virtual ~Classifier() = default;

  // `x` is items × dims; labels are in [0, classes). A class without training items gets
  // (near) zero probability.
  virtual void fit(const dsp::Matrix& x, std::span<const int> labels, int classes,
                   const FitOptions& options) = 0;
  // items × classes, each row sums to 1.
  virtual dsp::Matrix predict_proba(const dsp::Matrix& x) const = 0;

  virtual void save(ModelState& state) const = 0;
  // Validates every tensor's presence and shape: a bad state is an Error naming the tensor.
  virtual void load(const ModelState& state) = 0;
  // What training found (OOB score, importances, chosen C and γ, rounds kept…).
  virtual Json training_report() const { return Json::object(); }
};

// Frame sequences as a feature file stores them: item i is rows [offsets[i], offsets[i+1]) of
// `frames` (total_frames × dims). A view: both must outlive it.
struct SequenceView {
  const dsp::Matrix& frames;
  std::span<const std::int64_t> offsets;  // items + 1 values, non-decreasing, from 0 to rows

  std::size_t items() const { return offsets.empty() ? 0 : offsets.size() - 1; }
  // The frames of item i (frames × dims).
  auto item(std::size_t i) const {
    return frames.middleRows(offsets[i], offsets[i + 1] - offsets[i]);
  }
};

// Throws a usage Error unless the offsets describe `frames` (see SequenceView).
void check_sequences(const SequenceView& sequences);

// Frame sequences that own their arrays, e.g. a subset of items.
struct Sequences {
  dsp::Matrix frames;
  std::vector<std::int64_t> offsets{0};
  SequenceView view() const { return {frames, offsets}; }
};
// The given items (by index, repeats allowed) in that order.
Sequences take_items(const SequenceView& sequences, std::span<const int> items);

class SequenceClassifier {
 public:
  virtual ~SequenceClassifier() = default;

  virtual void fit(const SequenceView& x, std::span<const int> labels, int classes,
                   const FitOptions& options) = 0;
  // items × classes, each row sums to 1.
  virtual dsp::Matrix predict_proba(const SequenceView& x) const = 0;

  virtual void save(ModelState& state) const = 0;
  virtual void load(const ModelState& state) = 0;
  virtual Json training_report() const { return Json::object(); }
};

// Checks shared by every fit: rows match labels, labels in range, at least one item; throws a
// usage Error naming the model.
void check_training_data(const char* model, std::int64_t rows, std::span<const int> labels,
                         int classes);

}  // namespace mirkit::models
