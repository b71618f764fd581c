#include "mirkit/pipeline/trained_model.hpp"

#include <algorithm>
#include <set>

#include "mirkit/core/error.hpp"
#include "mirkit/models/cross_validation.hpp"
#include "mirkit/models/registry.hpp"
#include "mirkit/pipeline/feature_ops.hpp"

namespace mirkit::pipeline {
namespace {

std::vector<int> all_items(const FeatureFile& features, const std::vector<int>& items) {
  if (!items.empty()) return items;
  std::vector<int> all(features.items.size());
  for (std::size_t i = 0; i < all.size(); ++i)
    all[i] = static_cast<int>(i);
  return all;
}

// The chosen items as a feature file of their own: their rows one after another, and offsets.
FeatureFile gather_rows(const FeatureFile& features, const std::vector<int>& items) {
  return select_items(features, std::vector<std::size_t>(items.begin(), items.end()));
}

// Per-row scores → per-item scores: the mean over each item's rows (texture windows).
dsp::Matrix mean_per_item(const dsp::Matrix& row_scores, const std::vector<std::int64_t>& offsets) {
  dsp::Matrix out =
      dsp::Matrix::Zero(static_cast<Eigen::Index>(offsets.size() - 1), row_scores.cols());
  for (std::size_t i = 0; i + 1 < offsets.size(); ++i) {
    const Eigen::Index begin = offsets[i], count = offsets[i + 1] - offsets[i];
    if (count > 0) {
      out.row(static_cast<Eigen::Index>(i)) =
          row_scores.middleRows(begin, count).colwise().sum() / static_cast<float>(count);
    }
  }
  return out;
}

void check_layout(const models::ModelConfig& config, FeatureLayout layout) {
  const bool wants_frames =
      models::find_classifier(config.model).input == models::InputKind::frames;
  if (wants_frames && layout != FeatureLayout::frames) {
    throw usage_error("model '" + config.model +
                      "' classifies frame sequences: extract with a recipe whose \"output\" is "
                      "\"frames\"");
  }
  if (!wants_frames && layout == FeatureLayout::frames) {
    throw usage_error("model '" + config.model +
                      "' classifies pooled vectors, and this feature file holds frame sequences: "
                      "extract with a pooled recipe, or choose a frames model (gmm_frames, hmm)");
  }
}

}  // namespace

LabelSet LabelSet::from_items(const std::vector<FeatureItem>& items, bool force_multi_label,
                              const std::vector<std::string>* known) {
  LabelSet set;
  std::set<std::string> all;
  for (const FeatureItem& item : items) {
    if (item.labels.empty()) {
      throw usage_error("item '" + item.path +
                        "' has no label: training and evaluation need labelled items");
    }
    all.insert(item.labels.begin(), item.labels.end());
    set.multi_label = set.multi_label || item.labels.size() > 1;
  }
  set.multi_label = set.multi_label || force_multi_label;
  if (known) {
    for (const std::string& label : all) {
      if (std::find(known->begin(), known->end(), label) == known->end()) {
        throw usage_error("label '" + label + "' is not one of the model's classes");
      }
    }
    set.classes = *known;
  } else {
    set.classes.assign(all.begin(), all.end());
  }
  const auto index_of = [&](const std::string& label) {
    return static_cast<int>(std::find(set.classes.begin(), set.classes.end(), label) -
                            set.classes.begin());
  };
  if (set.multi_label) {
    set.tags = dsp::Matrix::Zero(static_cast<Eigen::Index>(items.size()),
                                 static_cast<Eigen::Index>(set.classes.size()));
    for (std::size_t i = 0; i < items.size(); ++i)
      for (const std::string& label : items[i].labels)
        set.tags(static_cast<Eigen::Index>(i), index_of(label)) = 1.0f;
  } else {
    for (const FeatureItem& item : items)
      set.single.push_back(index_of(item.labels.front()));
  }
  return set;
}

TrainedModel::TrainedModel(TrainedModel&&) noexcept = default;
TrainedModel& TrainedModel::operator=(TrainedModel&&) noexcept = default;
TrainedModel::~TrainedModel() = default;

TrainedModel TrainedModel::create(const models::ModelConfig& config, FeatureLayout layout,
                                  bool multi_label) {
  check_layout(config, layout);
  TrainedModel model;
  model.layout_ = layout;
  if (multi_label && layout == FeatureLayout::frames) {
    model.sequence_tags_ = models::create_multilabel_sequence_classifier(config);
  } else if (multi_label) {
    model.tags_ = models::create_multilabel_classifier(config);
  } else if (layout == FeatureLayout::frames) {
    model.sequences_ = models::create_sequence_classifier(config);
  } else {
    model.pooled_ = models::create_classifier(config);
  }
  return model;
}

TrainedModel TrainedModel::restore(const models::ModelState& state, FeatureLayout layout,
                                   bool multi_label) {
  TrainedModel model;
  model.layout_ = layout;
  if (multi_label && layout == FeatureLayout::frames) {
    model.sequence_tags_ = models::restore_multilabel_sequence_classifier(state);
  } else if (multi_label) {
    model.tags_ = models::restore_multilabel_classifier(state);
  } else if (layout == FeatureLayout::frames) {
    model.sequences_ = models::restore_sequence_classifier(state);
  } else {
    model.pooled_ = models::restore_classifier(state);
  }
  return model;
}

void TrainedModel::fit(const FeatureFile& features, const LabelSet& labels,
                       const models::FitOptions& options, const std::vector<int>& items) {
  const std::vector<int> chosen = all_items(features, items);
  const FeatureFile rows = gather_rows(features, chosen);
  const auto classes = static_cast<int>(labels.classes.size());
  const models::SequenceView sequences{rows.values, rows.offsets};
  if (sequence_tags_) {
    sequence_tags_->fit(sequences, models::take_rows(labels.tags, chosen), options);
    return;
  }
  if (sequences_) {
    std::vector<int> y;
    for (const int i : chosen)
      y.push_back(labels.single[static_cast<std::size_t>(i)]);
    sequences_->fit(sequences, y, classes, options);
    return;
  }
  // Pooled models learn from every row: an item's texture windows all carry its labels.
  if (tags_) {
    dsp::Matrix tags(rows.values.rows(), labels.tags.cols());
    for (std::size_t k = 0; k < chosen.size(); ++k) {
      for (auto r = rows.offsets[k]; r < rows.offsets[k + 1]; ++r)
        tags.row(r) = labels.tags.row(chosen[k]);
    }
    tags_->fit(rows.values, tags, options);
    return;
  }
  std::vector<int> y;
  for (std::size_t k = 0; k < chosen.size(); ++k) {
    for (auto r = rows.offsets[k]; r < rows.offsets[k + 1]; ++r)
      y.push_back(labels.single[static_cast<std::size_t>(chosen[k])]);
  }
  pooled_->fit(rows.values, y, classes, options);
}

dsp::Matrix TrainedModel::scores(const FeatureFile& features, const std::vector<int>& items) const {
  const FeatureFile rows = gather_rows(features, all_items(features, items));
  const models::SequenceView sequences{rows.values, rows.offsets};
  if (sequence_tags_) return sequence_tags_->predict_scores(sequences);
  if (sequences_) return sequences_->predict_proba(sequences);
  const dsp::Matrix row_scores =
      tags_ ? tags_->predict_scores(rows.values) : pooled_->predict_proba(rows.values);
  if (layout_ == FeatureLayout::pooled) return row_scores;
  return mean_per_item(row_scores, rows.offsets);
}

std::vector<double> TrainedModel::thresholds() const {
  if (sequence_tags_) return sequence_tags_->thresholds();
  return tags_ ? tags_->thresholds() : std::vector<double>{};
}

void TrainedModel::save(models::ModelState& state) const {
  if (sequence_tags_) {
    sequence_tags_->save(state);
  } else if (tags_) {
    tags_->save(state);
  } else if (sequences_) {
    sequences_->save(state);
  } else {
    pooled_->save(state);
  }
}

Json TrainedModel::training_report() const {
  if (sequence_tags_) return sequence_tags_->training_report();
  if (tags_) return tags_->training_report();
  return sequences_ ? sequences_->training_report() : pooled_->training_report();
}

}  // namespace mirkit::pipeline
