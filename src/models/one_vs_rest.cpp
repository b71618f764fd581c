#include "mirkit/models/one_vs_rest.hpp"

#include <algorithm>
#include <numeric>

#include "../core/random.hpp"
#include "mirkit/core/error.hpp"
#include "mirkit/models/cross_validation.hpp"

namespace mirkit::models {
namespace {

std::vector<int> tag_labels(const dsp::Matrix& tags, Eigen::Index t) {
  std::vector<int> labels(static_cast<std::size_t>(tags.rows()));
  for (Eigen::Index i = 0; i < tags.rows(); ++i)
    labels[static_cast<std::size_t>(i)] = tags(i, t) > 0.5f ? 1 : 0;
  return labels;
}

// How one-vs-rest reaches the items of either input kind.
Eigen::Index item_count(const dsp::Matrix& x) {
  return x.rows();
}
Eigen::Index item_count(const SequenceView& x) {
  return static_cast<Eigen::Index>(x.items());
}
dsp::Matrix subset(const dsp::Matrix& x, std::span<const int> items) {
  return take_rows(x, items);
}
Sequences subset(const SequenceView& x, std::span<const int> items) {
  return take_items(x, items);
}
const dsp::Matrix& as_input(const dsp::Matrix& x) {
  return x;
}
SequenceView as_input(const Sequences& x) {
  return x.view();
}

}  // namespace

double best_f1_threshold(std::span<const int> truth, std::span<const float> scores,
                         double fallback) {
  const auto positives = std::count(truth.begin(), truth.end(), 1);
  if (positives == 0) return fallback;
  std::vector<std::size_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
  double best_f1 = -1, best = fallback;
  double true_positives = 0;
  for (std::size_t n = 0; n < order.size(); ++n) {
    true_positives += truth[order[n]];
    if (n + 1 < order.size() && scores[order[n + 1]] == scores[order[n]]) continue;
    // Predicting the top n + 1 items positive: F1 = 2 TP / (predicted + actual).
    const double f1 =
        2 * true_positives / (static_cast<double>(n + 1) + static_cast<double>(positives));
    if (f1 > best_f1) {
      best_f1 = f1;
      best = scores[order[n]];
    }
  }
  return best;
}

template <typename Model>
BasicOneVsRest<Model>::BasicOneVsRest(Factory make_binary, MultiLabelOptions options, Json config)
    : make_binary_(std::move(make_binary)),
      options_(std::move(options)),
      config_(std::move(config)) {
  if (options_.thresholds != "fixed" && options_.thresholds != "tuned") {
    throw usage_error("multi-label: thresholds must be fixed or tuned");
  }
}

template <typename Model>
void BasicOneVsRest<Model>::fit(const Input& x, const dsp::Matrix& tags,
                                const FitOptions& options) {
  if (item_count(x) != tags.rows()) throw usage_error("multi-label: items and tag rows differ");
  if (tags.cols() == 0) throw usage_error("multi-label: no tags");
  const auto count = static_cast<std::size_t>(tags.cols());
  tags_.clear();
  tags_.resize(count);
  constant_.assign(count, 0.0);
  thresholds_.assign(count, options_.threshold);
  reports_.assign(count, Json::object());
  for (std::size_t t = 0; t < count; ++t) {
    const std::vector<int> labels = tag_labels(tags, static_cast<Eigen::Index>(t));
    const auto on = std::count(labels.begin(), labels.end(), 1);
    if (on == 0 || on == static_cast<long>(labels.size())) {
      constant_[t] = on ? 1.0 : 0.0;
      reports_[t] = {{"constant", constant_[t]}};
      continue;
    }
    FitOptions tag_options = options;
    tag_options.seed = derive_seed(options.seed, t);
    if (options_.thresholds == "tuned") {
      const Split split = stratified_split(labels, options_.validation_fraction,
                                           derive_seed(tag_options.seed, 0x7e5));
      const std::vector<int> train_labels = take(labels, split.train);
      const auto train_on = std::count(train_labels.begin(), train_labels.end(), 1);
      if (!split.validation.empty() && train_on > 0 &&
          train_on < static_cast<long>(train_labels.size())) {
        std::unique_ptr<Model> probe = make_binary_();
        probe->fit(as_input(subset(x, split.train)), train_labels, 2, tag_options);
        const dsp::Matrix p = probe->predict_proba(as_input(subset(x, split.validation)));
        const Eigen::VectorXf positive = p.col(1);
        thresholds_[t] = best_f1_threshold(
            take(labels, split.validation),
            std::span<const float>(positive.data(), static_cast<std::size_t>(positive.size())),
            options_.threshold);
      }
    }
    tags_[t] = make_binary_();
    tags_[t]->fit(x, labels, 2, tag_options);
    reports_[t] = tags_[t]->training_report();
  }
}

template <typename Model>
dsp::Matrix BasicOneVsRest<Model>::predict_scores(const Input& x) const {
  if (thresholds_.empty()) throw usage_error("multi-label: not trained");
  dsp::Matrix out(item_count(x), static_cast<Eigen::Index>(thresholds_.size()));
  for (std::size_t t = 0; t < thresholds_.size(); ++t) {
    const auto col = static_cast<Eigen::Index>(t);
    if (tags_[t]) {
      out.col(col) = tags_[t]->predict_proba(x).col(1);
    } else {
      out.col(col).setConstant(static_cast<float>(constant_[t]));
    }
  }
  return out;
}

template <typename Model>
dsp::Matrix BasicOneVsRest<Model>::predict(const Input& x) const {
  dsp::Matrix scores = predict_scores(x);
  for (Eigen::Index t = 0; t < scores.cols(); ++t)
    for (Eigen::Index i = 0; i < scores.rows(); ++i)
      scores(i, t) = scores(i, t) >= thresholds_[static_cast<std::size_t>(t)] ? 1.0f : 0.0f;
  return scores;
}

template <typename Model>
void BasicOneVsRest<Model>::save(ModelState& state) const {
  if (!config_.is_null()) state.values["config"] = config_;
  state.values["tags"] = thresholds_.size();
  put_vector(state, "thresholds", thresholds_);
  put_vector(state, "constant", constant_);
  std::vector<std::int64_t> trained;
  for (std::size_t t = 0; t < tags_.size(); ++t) {
    trained.push_back(tags_[t] ? 1 : 0);
    if (!tags_[t]) continue;
    ModelState child;
    tags_[t]->save(child);
    put_child(state, "tag" + std::to_string(t), child);
  }
  put_ints(state, "trained", trained);
}

template <typename Model>
void BasicOneVsRest<Model>::load(const ModelState& state) {
  const int tags = read_value<int>(state, "tags");
  if (tags < 1) throw state_error("multi-label: no tags");
  thresholds_ = get_vector(state, "thresholds", tags);
  constant_ = get_vector(state, "constant", tags);
  const std::vector<std::int64_t> trained = get_ints(state, "trained", tags);
  tags_.clear();
  tags_.resize(static_cast<std::size_t>(tags));
  reports_.assign(static_cast<std::size_t>(tags), Json::object());
  for (std::size_t t = 0; t < tags_.size(); ++t) {
    if (!trained[t]) continue;
    tags_[t] = make_binary_();
    tags_[t]->load(get_child(state, "tag" + std::to_string(t)));
    reports_[t] = tags_[t]->training_report();
  }
}

template <typename Model>
Json BasicOneVsRest<Model>::training_report() const {
  Json tags = Json::array();
  for (std::size_t t = 0; t < reports_.size(); ++t) {
    Json entry = reports_[t];
    entry["threshold"] = thresholds_[t];
    tags.push_back(entry);
  }
  return {{"tags", tags}};
}

template class BasicOneVsRest<Classifier>;
template class BasicOneVsRest<SequenceClassifier>;

std::unique_ptr<OneVsRest> create_multilabel_classifier(const ModelConfig& config) {
  create_classifier(config);  // the model must take pooled vectors
  return std::make_unique<OneVsRest>([config] { return create_classifier(config); },
                                     config.multi_label, config.to_json());
}

std::unique_ptr<SequenceOneVsRest> create_multilabel_sequence_classifier(
    const ModelConfig& config) {
  create_sequence_classifier(config);  // the model must take frame sequences
  return std::make_unique<SequenceOneVsRest>(
      [config] { return create_sequence_classifier(config); }, config.multi_label,
      config.to_json());
}

namespace {

ModelConfig saved_config(const ModelState& state) {
  return read_model_config(read_value<Json>(state, "config"), "model state: config");
}

}  // namespace

std::unique_ptr<OneVsRest> restore_multilabel_classifier(const ModelState& state) {
  auto classifier = create_multilabel_classifier(saved_config(state));
  classifier->load(state);
  return classifier;
}

std::unique_ptr<SequenceOneVsRest> restore_multilabel_sequence_classifier(const ModelState& state) {
  auto classifier = create_multilabel_sequence_classifier(saved_config(state));
  classifier->load(state);
  return classifier;
}

}  // namespace mirkit::models
