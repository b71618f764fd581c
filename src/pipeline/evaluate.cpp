#include "mirkit/pipeline/evaluate.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "mirkit/core/error.hpp"
#include "mirkit/core/file_io.hpp"
#include "mirkit/core/parallel.hpp"
#include "mirkit/core/text.hpp"
#include "mirkit/io/safetensors.hpp"
#include "mirkit/models/cross_validation.hpp"
#include "mirkit/models/metrics.hpp"
#include "mirkit/models/model_config.hpp"
#include "mirkit/models/registry.hpp"
#include "mirkit/nn/training.hpp"
#include "mirkit/pipeline/clip_scorer.hpp"
#include "mirkit/pipeline/feature_ops.hpp"
#include "mirkit/pipeline/model_file.hpp"
#include "network_training.hpp"

namespace mirkit::pipeline {
namespace {

std::string fixed(double value, int decimals = 3) {
  if (!std::isfinite(value)) return "-";
  char text[32];
  std::snprintf(text, sizeof(text), "%.*f", decimals, value);
  return text;
}

std::string pad(const std::string& text, std::size_t width) {
  return text.size() >= width ? text + " " : text + std::string(width - text.size(), ' ');
}

std::size_t name_width(const std::vector<std::string>& names) {
  std::size_t width = 7;
  for (const std::string& name : names)
    width = std::max(width, name.size() + 2);
  return width;
}

std::string single_label_table(const models::ClassificationMetrics& m,
                               const std::vector<std::string>& classes) {
  std::ostringstream out;
  out << "accuracy " << fixed(m.accuracy) << "   balanced accuracy " << fixed(m.balanced_accuracy)
      << "   macro F1 " << fixed(m.macro_f1) << "   micro F1 " << fixed(m.micro_f1)
      << "   log loss " << fixed(m.log_loss) << "\n\n";
  const std::size_t w = name_width(classes);
  out << pad("class", w) << "precision  recall  F1      support\n";
  for (std::size_t c = 0; c < classes.size(); ++c) {
    const models::ClassMetrics& k = m.per_class[c];
    out << pad(classes[c], w) << pad(fixed(k.precision), 11) << pad(fixed(k.recall), 8)
        << pad(fixed(k.f1), 8) << k.support << "\n";
  }
  out << "\nconfusion (rows: true class, columns: predicted)\n" << pad("", w);
  std::size_t cell = 6;
  for (const std::string& name : classes)
    cell = std::max(cell, std::min<std::size_t>(name.size() + 1, 10));
  for (const std::string& name : classes)
    out << pad(name.substr(0, cell - 1), cell);
  out << "\n";
  for (std::size_t r = 0; r < classes.size(); ++r) {
    out << pad(classes[r], w);
    for (std::size_t c = 0; c < classes.size(); ++c)
      out << pad(std::to_string(m.confusion[r][c]), cell);
    out << "\n";
  }
  return out.str();
}

std::string multi_label_table(const models::MultiLabelMetrics& m,
                              const models::TagDecisionMetrics& d,
                              const std::vector<std::string>& tags,
                              const std::vector<double>& thresholds) {
  std::ostringstream out;
  out << "mAP " << fixed(m.mean_average_precision) << "   macro ROC-AUC " << fixed(m.macro_roc_auc)
      << "\nat the thresholds: macro F1 " << fixed(d.macro_f1) << "   micro F1 "
      << fixed(d.micro_f1) << "   sample F1 " << fixed(d.sample_f1) << "   Hamming loss "
      << fixed(d.hamming_loss) << "\n\n";
  const std::size_t w = name_width(tags);
  out << pad("tag", w) << "AP      ROC-AUC  threshold  precision  recall  F1      support\n";
  for (std::size_t t = 0; t < tags.size(); ++t) {
    const models::ClassMetrics& k = d.per_tag[t];
    out << pad(tags[t], w) << pad(fixed(m.average_precision[t]), 8) << pad(fixed(m.roc_auc[t]), 9)
        << pad(t < thresholds.size() ? fixed(thresholds[t], 2) : "-", 11)
        << pad(fixed(k.precision), 11) << pad(fixed(k.recall), 8) << pad(fixed(k.f1), 8)
        << k.support << "\n";
  }
  return out.str();
}

std::vector<int> first_labels(const FeatureFile& features, const LabelSet& labels) {
  if (!labels.multi_label) return labels.single;
  std::vector<int> first;
  for (const FeatureItem& item : features.items) {
    first.push_back(static_cast<int>(
        std::find(labels.classes.begin(), labels.classes.end(), item.labels.front()) -
        labels.classes.begin()));
  }
  return first;
}

Json apply_override(Json recipe, const std::string& assignment) {
  const auto equals = assignment.find('=');
  if (equals == std::string::npos || equals == 0) {
    throw usage_error("--set '" + assignment + "': expected key=value");
  }
  const std::string key = assignment.substr(0, equals);
  const std::string text = assignment.substr(equals + 1);
  Json value;
  try {
    value = Json::parse(text);
  } catch (const Json::exception&) {
    value = text;  // a bare word: a string ("rbf", "balanced")
  }
  // A bare key is a model parameter (c=10), or in a network recipe a training setting (epochs=5).
  const bool network = is_network_recipe(recipe);
  std::vector<std::string> path;
  std::stringstream parts(key);
  for (std::string part; std::getline(parts, part, '.');)
    path.push_back(part);
  const auto& top = network ? nn::network_recipe_keys() : models::model_config_keys();
  if (std::find(top.begin(), top.end(), path.front()) == top.end()) {
    path.insert(path.begin(), network ? "training" : "params");
  }
  Json* node = &recipe;
  for (std::size_t i = 0; i + 1 < path.size(); ++i) {
    if (!node->contains(path[i]) || !(*node)[path[i]].is_object())
      (*node)[path[i]] = Json::object();
    node = &(*node)[path[i]];
  }
  (*node)[path.back()] = value;
  return recipe;
}

}  // namespace

namespace {

// The metrics of `scores`; multi-label also those of `decisions` (each tag said or not), made at
// `thresholds` (shown in the table; empty when they differ from fold to fold).
Evaluation evaluate_decisions(const LabelSet& labels, const dsp::Matrix& scores,
                              const std::vector<double>& thresholds, const dsp::Matrix& decisions) {
  Evaluation evaluation;
  if (labels.multi_label) {
    const models::MultiLabelMetrics m = models::multilabel_metrics(labels.tags, scores);
    const models::TagDecisionMetrics d = models::tag_decision_metrics(labels.tags, decisions);
    evaluation.metrics = m.to_json(labels.classes);
    Json at_thresholds = d.to_json(labels.classes);
    for (auto& [tag, figures] : at_thresholds["per_tag"].items())
      evaluation.metrics["per_tag"][tag].update(figures);
    at_thresholds.erase("per_tag");
    evaluation.metrics.update(at_thresholds);
    if (!thresholds.empty()) evaluation.metrics["thresholds"] = thresholds;
    evaluation.table = multi_label_table(m, d, labels.classes, thresholds);
  } else {
    const models::ClassificationMetrics m = models::classification_metrics(labels.single, scores);
    evaluation.metrics = m.to_json(labels.classes);
    evaluation.table = single_label_table(m, labels.classes);
  }
  evaluation.metrics["items"] = scores.rows();
  evaluation.labels = labels;
  evaluation.scores = scores;
  evaluation.thresholds = thresholds;
  return evaluation;
}

// The figures of one fold that the spread is reported for.
const std::vector<std::string>& fold_figures(bool multi_label) {
  static const std::vector<std::string> single = {"accuracy", "balanced_accuracy", "macro_f1"};
  static const std::vector<std::string> tags = {"mean_average_precision", "macro_roc_auc",
                                                "sample_f1", "hamming_loss"};
  return multi_label ? tags : single;
}

LabelSet select_labels(const LabelSet& labels, const std::vector<int>& rows) {
  LabelSet out;
  out.classes = labels.classes;
  out.multi_label = labels.multi_label;
  if (labels.multi_label) {
    out.tags.resize(static_cast<Eigen::Index>(rows.size()), labels.tags.cols());
    for (std::size_t k = 0; k < rows.size(); ++k)
      out.tags.row(static_cast<Eigen::Index>(k)) = labels.tags.row(rows[k]);
  } else {
    for (const int row : rows)
      out.single.push_back(labels.single[static_cast<std::size_t>(row)]);
  }
  return out;
}

// Each fold's figures, then their mean and standard deviation (over the folds, as numpy's std).
// A figure's mean and (population) standard deviation over the folds that have it.
struct Spread {
  double mean = std::nan("");
  double deviation = std::nan("");
};

Spread spread_of(const std::vector<Json>& folds, const std::string& figure) {
  std::vector<double> values;
  for (const Json& fold : folds)
    if (fold[figure].is_number()) values.push_back(fold[figure].get<double>());
  if (values.empty()) return {};
  double sum = 0, squares = 0;
  for (double v : values)
    sum += v;
  const double mean = sum / static_cast<double>(values.size());
  for (double v : values)
    squares += std::pow(v - mean, 2);
  return {mean, std::sqrt(squares / static_cast<double>(values.size()))};
}

Json finite_or_null(double value) {
  return std::isfinite(value) ? Json(value) : Json();
}

// Each fold's figures and their spread: into the metrics' "cross_validation" and as a table.
void add_fold_spread(Evaluation& evaluation, const std::vector<Json>& folds, bool multi_label) {
  const std::vector<std::string>& figures = fold_figures(multi_label);
  std::vector<Spread> spreads;
  for (const std::string& figure : figures)
    spreads.push_back(spread_of(folds, figure));

  Json per_fold = Json::array(), spread = Json::object();
  for (std::size_t f = 0; f < folds.size(); ++f) {
    Json row = {{"fold", f + 1}, {"items", folds[f]["items"]}};
    for (const std::string& figure : figures)
      row[figure] = folds[f][figure];
    per_fold.push_back(row);
  }
  for (std::size_t k = 0; k < figures.size(); ++k) {
    spread[figures[k]] = {{"mean", finite_or_null(spreads[k].mean)},
                          {"std", finite_or_null(spreads[k].deviation)}};
  }
  evaluation.metrics["cross_validation"]["per_fold"] = per_fold;
  evaluation.metrics["cross_validation"]["spread"] = spread;

  const auto width = [](const std::string& figure) {
    return std::max<std::size_t>(figure.size() + 2, 10);
  };
  std::ostringstream out;
  out << "\n" << pad("fold", 6);
  for (const std::string& figure : figures)
    out << pad(figure, width(figure));
  out << "\n";
  for (std::size_t f = 0; f < folds.size(); ++f) {
    out << pad(std::to_string(f + 1), 6);
    for (const std::string& figure : figures) {
      const Json& value = folds[f][figure];
      out << pad(value.is_number() ? fixed(value.get<double>()) : "-", width(figure));
    }
    out << "\n";
  }
  out << pad("mean", 6);
  for (std::size_t k = 0; k < figures.size(); ++k)
    out << pad(fixed(spreads[k].mean), width(figures[k]));
  out << "\n" << pad("std", 6);
  for (std::size_t k = 0; k < figures.size(); ++k)
    out << pad(fixed(spreads[k].deviation), width(figures[k]));
  out << "\n";
  // The last column is padded like the others: the lines end without it.
  std::string block = out.str();
  for (std::size_t at; (at = block.find(" \n")) != std::string::npos;)
    block.erase(at, 1);
  evaluation.table += block;
}

}  // namespace

dsp::Matrix tag_decisions(const dsp::Matrix& scores, const std::vector<double>& thresholds) {
  dsp::Matrix decisions = dsp::Matrix::Zero(scores.rows(), scores.cols());
  for (Eigen::Index i = 0; i < scores.rows(); ++i)
    for (Eigen::Index t = 0; t < scores.cols(); ++t)
      decisions(i, t) = scores(i, t) >= (t < static_cast<Eigen::Index>(thresholds.size())
                                             ? thresholds[static_cast<std::size_t>(t)]
                                             : 0.5)
                            ? 1.0f
                            : 0.0f;
  return decisions;
}

Evaluation evaluate_scores(const LabelSet& labels, const dsp::Matrix& scores,
                           const std::vector<double>& thresholds) {
  return evaluate_decisions(labels, scores, thresholds,
                            labels.multi_label ? tag_decisions(scores, thresholds) : dsp::Matrix());
}

Evaluation cross_validate(const FeatureFile& features, const LabelSet& labels,
                          const CrossValidationOptions& options, const FitAndScore& fit_and_score) {
  std::vector<models::Fold> folds;
  if (options.by_group) {
    std::vector<std::string> groups;
    for (const FeatureItem& item : features.items)
      groups.push_back(item.group.empty() ? "item:" + item.path : item.group);
    folds = models::group_kfold(groups, options.folds);
  } else {
    folds = models::stratified_kfold(first_labels(features, labels), options.folds, options.seed);
  }
  const auto items = static_cast<Eigen::Index>(features.items.size());
  const auto classes = static_cast<Eigen::Index>(labels.classes.size());
  dsp::Matrix scores = dsp::Matrix::Zero(items, classes);
  dsp::Matrix decisions = dsp::Matrix::Zero(labels.multi_label ? items : 0, classes);
  std::vector<Json> fold_metrics;
  for (std::size_t f = 0; f < folds.size(); ++f) {
    const FoldScores fold_scores = fit_and_score(f, folds[f].train, folds[f].test);
    // Each fold's tags are said at that fold's model's thresholds.
    const Evaluation fold = evaluate_scores(select_labels(labels, folds[f].test),
                                            fold_scores.scores, fold_scores.thresholds);
    fold_metrics.push_back(fold.metrics);
    const dsp::Matrix fold_decisions =
        labels.multi_label ? tag_decisions(fold_scores.scores, fold_scores.thresholds)
                           : dsp::Matrix();
    for (std::size_t k = 0; k < folds[f].test.size(); ++k) {
      const Eigen::Index row = folds[f].test[k];
      scores.row(row) = fold_scores.scores.row(static_cast<Eigen::Index>(k));
      if (labels.multi_label) decisions.row(row) = fold_decisions.row(static_cast<Eigen::Index>(k));
    }
  }
  Evaluation evaluation = evaluate_decisions(labels, scores, {}, decisions);
  evaluation.metrics["cross_validation"] = {{"folds", options.folds},
                                            {"by_group", options.by_group}};
  add_fold_spread(evaluation, fold_metrics, labels.multi_label);
  return evaluation;
}

// Each fold's model trained with every thread: the same scores for any -j.
Evaluation cross_validate(const models::ModelConfig& config, const FeatureFile& features,
                          const LabelSet& labels, const CrossValidationOptions& options) {
  return cross_validate(
      features, labels, options,
      [&](std::size_t f, const std::vector<int>& train, const std::vector<int>& test) {
        TrainedModel model = TrainedModel::create(config, features.layout, labels.multi_label);
        model.fit(features, labels, {config.seed + f, options.threads, {}}, train);
        return FoldScores{model.scores(features, test), model.thresholds()};
      });
}

namespace {

// What every evaluation of a model file records: the files, each item's path, and the JSON.
Evaluation finish(Evaluation evaluation, const EvaluateOptions& options,
                  const FeatureFile& features) {
  evaluation.metrics["model"] = options.model.string();
  evaluation.metrics["features"] = options.features.string();
  for (const FeatureItem& item : features.items)
    evaluation.paths.push_back(item.path);
  if (!options.output.empty())
    write_file_atomically(options.output, evaluation.metrics.dump(2) + "\n");
  return evaluation;
}

bool is_network_file(const std::filesystem::path& path) {
  try {
    const io::TensorFile header = io::read_safetensors_header(path);
    return header.metadata.is_object() && header.metadata.value("kind", std::string()) == "nn";
  } catch (const Error&) {
    return false;  // not readable as one: read_model_file says what is wrong
  }
}

// The items whose labels the model knows. An item with a label outside `classes` is a usage
// Error naming the item, the label and the file, unless the options skip such items.
FeatureFile known_items(const FeatureFile& features, const std::vector<std::string>& classes,
                        const EvaluateOptions& options, Log& log) {
  std::vector<std::size_t> kept;
  std::size_t skipped = 0;
  for (std::size_t i = 0; i < features.items.size(); ++i) {
    const FeatureItem& item = features.items[i];
    const auto unknown = std::find_if(item.labels.begin(), item.labels.end(), [&](const auto& l) {
      return std::find(classes.begin(), classes.end(), l) == classes.end();
    });
    if (unknown == item.labels.end()) {
      kept.push_back(i);
      continue;
    }
    if (!options.skip_unknown_labels) {
      throw usage_error("evaluate: item '" + item.path + "' of " + options.features.string() +
                        " is labelled '" + *unknown + "', which " + options.model.string() +
                        " does not know (--skip-unknown-labels scores the other items)");
    }
    ++skipped;
  }
  if (skipped == 0) return features;
  log.warning("skipped " + std::to_string(skipped) + " of " +
                  std::to_string(features.items.size()) +
                  " items whose labels the model does not know",
              options.features.string());
  if (kept.empty()) throw usage_error("evaluate: no item has a label the model knows");
  return select_items(features, kept);
}

// A network scores each item's frames window by window, the windows' probabilities averaged,
// exactly as `predict` scores a clip.
Evaluation evaluate_network(const EvaluateOptions& options, const FeatureFile& all_items,
                            Log& log) {
  std::unique_ptr<ClipScorer> scorer;
  try {
    scorer = ClipScorer::load(options.model);
  } catch (const Error& error) {
    throw usage_error(std::string("evaluate: ") + error.cause());
  }
  if (scorer->feature_config_hash() != all_items.config_hash) {
    throw usage_error("evaluate: " + options.features.string() +
                      " was extracted with config hash " + all_items.config_hash + ", but " +
                      options.model.string() + " reads features of config hash " +
                      scorer->feature_config_hash() +
                      ": extract the test data with the model's recipe");
  }
  const FeatureFile features = known_items(all_items, scorer->classes(), options, log);
  const LabelSet labels =
      LabelSet::from_items(features.items, scorer->multi_label(), &scorer->classes());
  Evaluation evaluation =
      evaluate_scores(labels, scorer->score_items(features, Windowing{{}, options.hop_s, "mean"}),
                      scorer->multi_label() ? scorer->thresholds() : std::vector<double>{});
  return finish(std::move(evaluation), options, features);
}

}  // namespace

bool is_network_recipe(const Json& recipe) {
  if (!recipe.is_object() || !recipe.contains("model") || !recipe["model"].is_string())
    return false;
  const models::ClassifierDefinition* definition =
      models::classifier_registry().find(recipe["model"].get<std::string>());
  return definition != nullptr && definition->input == models::InputKind::windows;
}

void require_learning_curves(const std::string& model, const std::vector<std::string>& overrides) {
  std::string where;
  const Json recipe = load_model_recipe(model, overrides, where);
  // A classical recipe is checked whole first, so that a bad one says what is wrong with it.
  const std::string name = is_network_recipe(recipe)
                               ? recipe["model"].get<std::string>()
                               : models::read_model_config(recipe, where).model;
  if (models::find_classifier(name).records_learning_curves) return;
  std::vector<std::string> those;
  for (const models::ClassifierDefinition& definition : models::classifier_registry())
    if (definition.records_learning_curves) those.push_back(definition.name);
  throw usage_error("--plot-curves: " + name + " records no per-iteration figures; " +
                    join(those, ", ") + " do");
}

Json load_model_recipe(const std::string& model, const std::vector<std::string>& overrides,
                       std::string& where) {
  Json recipe;
  where = "model '" + model + "'";
  std::error_code code;
  if (model.ends_with(".json") || std::filesystem::is_regular_file(model, code)) {
    std::string text;
    try {
      text = read_file(model);
    } catch (const Error& error) {
      throw usage_error(std::string("model recipe: ") + error.what());
    }
    try {
      recipe = Json::parse(text);
    } catch (const Json::parse_error& error) {
      throw usage_error(model + ": not valid JSON (" + error.what() + ")");
    }
    where = model;
  } else {
    recipe = {{"model", model}};
  }
  return apply_overrides(std::move(recipe), overrides);
}

Json apply_overrides(Json recipe, const std::vector<std::string>& overrides) {
  for (const std::string& assignment : overrides)
    recipe = apply_override(std::move(recipe), assignment);
  return recipe;
}

models::ModelConfig resolve_model_config(const std::string& model,
                                         const std::vector<std::string>& overrides) {
  std::string where;
  const Json recipe = load_model_recipe(model, overrides, where);
  if (is_network_recipe(recipe)) {
    throw usage_error(where + ": a network recipe has no classical model configuration");
  }
  return models::read_model_config(recipe, where);
}

Evaluation evaluate(const EvaluateOptions& options, Log& log) {
  FeatureFile features;
  try {
    features = read_feature_file(options.features);
  } catch (const Error& error) {
    throw usage_error(std::string("evaluate: ") + error.what());
  }
  if (has_split_column(features)) {
    // The data set's own split: a model is scored on its test items, cross-validation runs on
    // the others (the test split stays unseen).
    const std::size_t all = features.items.size();
    features = options.cv_folds > 0 ? training_items(features) : test_items(features);
    if (features.items.empty()) {
      throw usage_error("evaluate: " + options.features.string() + " has no item " +
                        (options.cv_folds > 0 ? "outside the test split to cross-validate on"
                                              : "of the test split to score"));
    }
    log.info(std::string("the data set's split: ") +
             (options.cv_folds > 0 ? "cross-validating on the " : "scoring the ") +
             std::to_string(features.items.size()) + " of " + std::to_string(all) + " items " +
             (options.cv_folds > 0 ? "outside the test split" : "of the test split"));
  }
  if (options.cv_folds > 0) {
    const LabelSet labels = LabelSet::from_items(features.items);
    CrossValidationOptions cv{options.cv_folds, options.by_group, options.seed, options.jobs};
    std::string where;
    const Json recipe = load_model_recipe(options.recipe, options.overrides, where);
    Evaluation evaluation;
    if (is_network_recipe(recipe)) {
      const NetworkFit fit{recipe, where, options.features, options.jobs, std::nullopt};
      evaluation = cross_validate_network(fit, features, labels, cv, options.hop_s, log);
      evaluation.metrics["cross_validation"]["model"] = recipe;
    } else {
      const models::ModelConfig config = models::read_model_config(recipe, where);
      evaluation = cross_validate(config, features, labels, cv);
      evaluation.metrics["cross_validation"]["model"] = config.to_json();
    }
    for (const FeatureItem& item : features.items)
      evaluation.paths.push_back(item.path);
    if (!options.output.empty())
      write_file_atomically(options.output, evaluation.metrics.dump(2) + "\n");
    return evaluation;
  }
  if (is_network_file(options.model)) return evaluate_network(options, features, log);
  ModelFile model;
  try {
    model = read_model_file(options.model);
  } catch (const Error& error) {
    throw usage_error(std::string("evaluate: ") + error.what());
  }
  if (model.feature_config_hash != features.config_hash) {
    throw usage_error("evaluate: " + options.features.string() +
                      " was extracted with config hash " + features.config_hash + ", but " +
                      options.model.string() + " was trained on features of config hash " +
                      model.feature_config_hash +
                      ": extract the test data with the model's recipe");
  }
  features = known_items(features, model.classes, options, log);
  const LabelSet labels = LabelSet::from_items(features.items, model.multi_label, &model.classes);
  const TrainedModel trained = TrainedModel::restore(model.state, model.layout, model.multi_label);
  Evaluation evaluation = evaluate_scores(labels, trained.scores(features), trained.thresholds());
  return finish(std::move(evaluation), options, features);
}

}  // namespace mirkit::pipeline
