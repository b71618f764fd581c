#include "mirkit/models/evaluation.hpp"

#include "../core/random.hpp"
#include "mirkit/core/error.hpp"

namespace mirkit::models {

namespace {

// Trains fold f with `train_and_predict(fold, seed)` → test probabilities, and gathers the results.
template <typename TrainAndPredict>
CrossValidationResult run_folds(std::int64_t items, std::span<const int> labels, int classes,
                                std::span<const Fold> folds, const FitOptions& options,
                                TrainAndPredict&& train_and_predict) {
  if (folds.empty()) throw usage_error("cross-validation: no folds");
  CrossValidationResult result;
  result.out_of_fold = dsp::Matrix::Zero(items, classes);
  std::vector<int> tested;
  for (std::size_t f = 0; f < folds.size(); ++f) {
    const Fold& fold = folds[f];
    if (fold.train.empty() || fold.test.empty()) {
      throw usage_error("cross-validation: fold " + std::to_string(f) + " is empty");
    }
    FitOptions fold_options = options;
    fold_options.seed = derive_seed(options.seed, f);
    const dsp::Matrix proba = train_and_predict(fold, fold_options);
    for (std::size_t i = 0; i < fold.test.size(); ++i)
      result.out_of_fold.row(fold.test[i]) = proba.row(static_cast<Eigen::Index>(i));
    result.folds.push_back(classification_metrics(take(labels, fold.test), proba));
    tested.insert(tested.end(), fold.test.begin(), fold.test.end());
  }
  result.overall =
      classification_metrics(take(labels, tested), take_rows(result.out_of_fold, tested));
  return result;
}

}  // namespace

CrossValidationResult cross_validate(const ModelConfig& config, const dsp::Matrix& x,
                                     std::span<const int> labels, int classes,
                                     std::span<const Fold> folds, const FitOptions& options) {
  check_training_data(config.model.c_str(), x.rows(), labels, classes);
  return run_folds(x.rows(), labels, classes, folds, options,
                   [&](const Fold& fold, const FitOptions& fold_options) {
                     auto model = create_classifier(config);
                     model->fit(take_rows(x, fold.train), take(labels, fold.train), classes,
                                fold_options);
                     return model->predict_proba(take_rows(x, fold.test));
                   });
}

CrossValidationResult cross_validate(const ModelConfig& config, const SequenceView& x,
                                     std::span<const int> labels, int classes,
                                     std::span<const Fold> folds, const FitOptions& options) {
  check_sequences(x);
  const auto items = static_cast<std::int64_t>(x.items());
  check_training_data(config.model.c_str(), items, labels, classes);
  return run_folds(items, labels, classes, folds, options,
                   [&](const Fold& fold, const FitOptions& fold_options) {
                     auto model = create_sequence_classifier(config);
                     model->fit(take_items(x, fold.train).view(), take(labels, fold.train), classes,
                                fold_options);
                     return model->predict_proba(take_items(x, fold.test).view());
                   });
}

Json CrossValidationResult::to_json(const std::vector<std::string>& class_names) const {
  Json per_fold = Json::array();
  for (const ClassificationMetrics& m : folds)
    per_fold.push_back({{"accuracy", m.accuracy},
                        {"balanced_accuracy", m.balanced_accuracy},
                        {"macro_f1", m.macro_f1},
                        {"log_loss", m.log_loss}});
  return {{"overall", overall.to_json(class_names)}, {"folds", per_fold}};
}

}  // namespace mirkit::models
