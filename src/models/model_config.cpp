#include "mirkit/models/model_config.hpp"

#include <fstream>

#include "../core/random.hpp"
#include "mirkit/core/error.hpp"
#include "mirkit/models/balancing.hpp"
#include "mirkit/models/cross_validation.hpp"
#include "mirkit/models/registry.hpp"

namespace mirkit::models {
namespace {

const ParamSchema& top_schema() {
  static const ParamSchema schema = {
      {"description", ParamType::string, "", "what the recipe is for (one line)"},
      {"model", ParamType::string, nullptr, "the classifier (mirkit list models)"},
      {"class_weight",
       ParamType::string,
       "none",
       "balanced: weigh classes inversely to their frequency (oversample where unsupported)",
       {},
       {},
       {"none", "balanced"}},
      {"seed", ParamType::integer, 0, "seed of every random choice in training", 0,
       9007199254740992.0},
  };
  return schema;
}

Json object_or_empty(const Json& config, const char* key) {
  return config.contains(key) ? config[key] : Json::object();
}

// What both wrappers below store: the recipe, the balancing report, the fitted preprocessing and
// the model, each part under its own prefix.
template <class Model>
void save_configured(ModelState& state, const ModelConfig& config, const Json& balancing,
                     const Preprocessor& preprocessor, const Model& model) {
  state.values["config"] = config.to_json();
  state.values["balancing"] = balancing;
  ModelState preprocess, inner;
  preprocessor.save(preprocess);
  model.save(inner);
  put_child(state, "preprocess", preprocess);
  put_child(state, "model", inner);
}

// Restores the parts save_configured wrote; returns the balancing report.
template <class Model>
Json load_configured(const ModelState& state, Preprocessor& preprocessor, Model& model) {
  preprocessor.load(get_child(state, "preprocess"));
  model.load(get_child(state, "model"));
  return read_value<Json>(state, "balancing");
}

Json with_balancing(Json report, const Json& balancing) {
  for (const auto& [key, value] : balancing.items())
    report[key] = value;
  return report;
}

// Preprocessing, then the model; balancing at fit time.
class ConfiguredClassifier : public Classifier {
 public:
  explicit ConfiguredClassifier(ModelConfig config)
      : config_(std::move(config)),
        definition_(find_classifier(config_.model)),
        preprocessor_(config_.preprocessing),
        model_(definition_.create(config_.params)) {}

  void fit(const dsp::Matrix& x, std::span<const int> labels, int classes,
           const FitOptions& options) override {
    check_training_data(config_.model.c_str(), x.rows(), labels, classes);
    preprocessor_.fit(x);
    dsp::Matrix prepared = preprocessor_.transform(x);
    FitOptions fit_options = options;
    report_ = Json::object();
    if (config_.balanced && definition_.supports_class_weights) {
      fit_options.class_weights = balanced_class_weights(labels, classes);
      report_["class_weights"] = fit_options.class_weights;
      model_->fit(prepared, labels, classes, fit_options);
    } else if (config_.balanced) {
      const std::vector<int> rows =
          random_oversample(labels, classes, derive_seed(options.seed, 0x0e5a));
      report_["oversampled_items"] = rows.size() - labels.size();
      model_->fit(take_rows(prepared, rows), take(labels, rows), classes, fit_options);
    } else {
      model_->fit(prepared, labels, classes, fit_options);
    }
  }

  dsp::Matrix predict_proba(const dsp::Matrix& x) const override {
    return model_->predict_proba(preprocessor_.transform(x));
  }

  void save(ModelState& state) const override {
    save_configured(state, config_, report_, preprocessor_, *model_);
  }
  void load(const ModelState& state) override {
    report_ = load_configured(state, preprocessor_, *model_);
  }
  Json training_report() const override {
    return with_balancing(model_->training_report(), report_);
  }

 private:
  ModelConfig config_;
  const ClassifierDefinition& definition_;
  Preprocessor preprocessor_;
  std::unique_ptr<Classifier> model_;
  Json report_ = Json::object();
};

class ConfiguredSequenceClassifier : public SequenceClassifier {
 public:
  explicit ConfiguredSequenceClassifier(ModelConfig config)
      : config_(std::move(config)),
        preprocessor_(config_.preprocessing),
        model_(find_classifier(config_.model).create_sequence(config_.params)) {}

  void fit(const SequenceView& x, std::span<const int> labels, int classes,
           const FitOptions& options) override {
    check_sequences(x);
    preprocessor_.fit(x.frames);
    const dsp::Matrix frames = preprocessor_.transform(x.frames);
    report_ = Json::object();
    if (!config_.balanced) {
      model_->fit({frames, x.offsets}, labels, classes, options);
      return;
    }
    // No sequence model takes class weights: duplicate whole items instead.
    const std::vector<int> items =
        random_oversample(labels, classes, derive_seed(options.seed, 0x0e5a));
    const Sequences resampled = take_items({frames, x.offsets}, items);
    report_["oversampled_items"] = items.size() - labels.size();
    model_->fit(resampled.view(), take(labels, items), classes, options);
  }

  dsp::Matrix predict_proba(const SequenceView& x) const override {
    const dsp::Matrix frames = preprocessor_.transform(x.frames);
    return model_->predict_proba({frames, x.offsets});
  }

  void save(ModelState& state) const override {
    save_configured(state, config_, report_, preprocessor_, *model_);
  }
  void load(const ModelState& state) override {
    report_ = load_configured(state, preprocessor_, *model_);
  }
  Json training_report() const override {
    return with_balancing(model_->training_report(), report_);
  }

 private:
  ModelConfig config_;
  Preprocessor preprocessor_;
  std::unique_ptr<SequenceClassifier> model_;
  Json report_ = Json::object();
};

ModelConfig config_from_state(const ModelState& state) {
  return read_model_config(read_value<Json>(state, "config"), "model state: config");
}

}  // namespace

const Schema<MultiLabelOptions>& MultiLabelOptions::schema() {
  using O = MultiLabelOptions;
  static const Schema<O> schema =
      Schema<O>()
          .field(
              "thresholds", &O::thresholds,
              "fixed: the same threshold for every tag; tuned: the best F1 per tag on a hold-out",
              {"fixed", "tuned"})
          .field("threshold", &O::threshold, "decision threshold on a tag's probability",
                 {.min = 0, .max = 1})
          .field("validation_fraction", &O::validation_fraction,
                 "hold-out share for tuned thresholds", {.min = 0.05, .max = 0.9});
  return schema;
}

// The sections other than top_schema()'s, each read by its own schema.
const std::vector<std::string> kSections = {"params", "preprocessing", "multi_label"};

const std::vector<std::string>& model_config_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> out;
    for (const ParamSpec& spec : top_schema().specs())
      out.push_back(spec.name);
    out.insert(out.end(), kSections.begin(), kSections.end());
    return out;
  }();
  return keys;
}

Json ModelConfig::to_json() const {
  return {{"description", description},
          {"model", model},
          {"params", params},
          {"preprocessing", PreprocessOptions::schema().write(preprocessing)},
          {"class_weight", balanced ? "balanced" : "none"},
          {"multi_label", MultiLabelOptions::schema().write(multi_label)},
          {"seed", seed}};
}

ModelConfig read_model_config(const Json& config, const std::string& where) {
  const Json top = top_schema().resolve(config, where, kSections);
  if (top["model"].is_null()) {
    throw usage_error(where + ": 'model' is missing (one of the names `mirkit list models` shows)");
  }
  ModelConfig out;
  out.description = top["description"].get<std::string>();
  out.model = top["model"].get<std::string>();
  const ClassifierDefinition& definition = find_classifier(out.model);
  if (definition.input == InputKind::windows) {
    throw usage_error(where + ": '" + out.model +
                      "' is trained from a network recipe (its \"network\", \"training\" … "
                      "sections), not from \"params\"");
  }
  out.params = definition.params.resolve(object_or_empty(config, "params"),
                                         where + ": params (" + out.model + ")");
  // Creating once checks what the declarations cannot (e.g. max_features' forms).
  if (definition.create) {
    definition.create(out.params);
  } else {
    definition.create_sequence(out.params);
  }
  out.preprocessing = PreprocessOptions::schema().read(object_or_empty(config, "preprocessing"),
                                                       where + ": preprocessing");
  out.balanced = top["class_weight"].get<std::string>() == "balanced";
  out.multi_label = MultiLabelOptions::schema().read(object_or_empty(config, "multi_label"),
                                                     where + ": multi_label");
  out.seed = top["seed"].get<std::uint64_t>();
  return out;
}

ModelConfig load_model_config(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw usage_error("cannot open model config '" + path.string() + "'");
  Json config;
  try {
    config = Json::parse(in);
  } catch (const Json::parse_error& error) {
    throw usage_error(path.string() + ": not valid JSON (" + error.what() + ")");
  }
  return read_model_config(config, path.string());
}

std::unique_ptr<Classifier> create_classifier(const ModelConfig& config) {
  if (find_classifier(config.model).input != InputKind::pooled) {
    throw usage_error("model '" + config.model +
                      "' classifies frame sequences, not pooled vectors: extract with "
                      "\"output\": \"frames\"");
  }
  return std::make_unique<ConfiguredClassifier>(config);
}

std::unique_ptr<SequenceClassifier> create_sequence_classifier(const ModelConfig& config) {
  if (find_classifier(config.model).input != InputKind::frames) {
    throw usage_error("model '" + config.model +
                      "' classifies pooled vectors, not frame sequences: extract with "
                      "\"output\": \"pooled\"");
  }
  return std::make_unique<ConfiguredSequenceClassifier>(config);
}

std::unique_ptr<Classifier> restore_classifier(const ModelState& state) {
  std::unique_ptr<Classifier> classifier = create_classifier(config_from_state(state));
  classifier->load(state);
  return classifier;
}

std::unique_ptr<SequenceClassifier> restore_sequence_classifier(const ModelState& state) {
  std::unique_ptr<SequenceClassifier> classifier =
      create_sequence_classifier(config_from_state(state));
  classifier->load(state);
  return classifier;
}

}  // namespace mirkit::models
