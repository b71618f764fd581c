#include "mirkit/models/svm.hpp"

#include <libsvm/svm.h>

#include <cmath>
#include <cstdlib>
#include <mutex>

#include "mirkit/core/error.hpp"
#include "mirkit/core/schema.hpp"
#include "mirkit/models/cross_validation.hpp"
#include "mirkit/models/registry.hpp"
#include "parallel.hpp"

namespace mirkit::models {
namespace {

// LIBSVM prints progress to stdout unless given a print function; ours drops it (results go to
// stdout, so its chatter would corrupt them).
void quiet(const char*) {}

void install_quiet_printer() {
  static std::once_flag once;
  std::call_once(once, [] { svm_set_print_string_function(&quiet); });
}

// LIBSVM's probability fit shuffles with the global rand(): one lock around srand + svm_train.
std::mutex& rand_mutex() {
  static std::mutex mutex;
  return mutex;
}

int kernel_type(const std::string& kernel) {
  if (kernel == "linear") return LINEAR;
  if (kernel == "poly") return POLY;
  if (kernel == "rbf") return RBF;
  throw usage_error("svm: kernel must be linear, rbf or poly, got '" + kernel + "'");
}

// Dense rows in LIBSVM's sparse format: every dimension written (zeros too, as our svm-train
// parity test writes them), each row ended by index −1.
struct Problem {
  std::vector<svm_node> nodes;
  std::vector<svm_node*> rows;
  std::vector<double> y;
  svm_problem problem{};

  Problem(const dsp::Matrix& x, std::span<const int> labels, std::span<const int> subset) {
    const auto dims = static_cast<std::size_t>(x.cols());
    nodes.resize(subset.size() * (dims + 1));
    for (std::size_t r = 0; r < subset.size(); ++r) {
      svm_node* row = nodes.data() + r * (dims + 1);
      for (std::size_t d = 0; d < dims; ++d)
        row[d] = {static_cast<int>(d + 1),
                  static_cast<double>(x(subset[r], static_cast<Eigen::Index>(d)))};
      row[dims] = {-1, 0.0};
      rows.push_back(row);
      y.push_back(labels[static_cast<std::size_t>(subset[r])]);
    }
    problem.l = static_cast<int>(subset.size());
    problem.y = y.data();
    problem.x = rows.data();
  }
  Problem(const Problem&) = delete;  // `rows` and `problem` point into the members
  Problem& operator=(const Problem&) = delete;
};

std::vector<int> all_rows(std::size_t n) {
  std::vector<int> rows(n);
  for (std::size_t i = 0; i < n; ++i)
    rows[i] = static_cast<int>(i);
  return rows;
}

std::vector<double> grid_values(const std::vector<double>& range, const char* name) {
  if (range.size() != 3 || range[2] == 0 || (range[1] - range[0]) * range[2] < 0) {
    throw usage_error(std::string("svm: ") + name +
                      " must be [start, stop, step] with a step towards stop");
  }
  std::vector<double> values;
  const double steps = std::floor((range[1] - range[0]) / range[2] + 1e-9);
  for (int i = 0; i <= static_cast<int>(steps); ++i)
    values.push_back(range[0] + i * range[2]);
  return values;
}

}  // namespace

// A trained model's arrays, copied out of LIBSVM (whose svm_train result points into the training
// problem), plus an svm_model that points into them for svm_predict.
struct SvmClassifier::Model {
  int classes = 0, dims = 0, nr_class = 0, l = 0;
  svm_parameter param{};
  dsp::MatrixD sv;    // l × dims
  dsp::MatrixD coef;  // (nr_class − 1) × l
  std::vector<double> rho, prob_a, prob_b;
  std::vector<int> label, n_sv;

  // The view LIBSVM reads.
  std::vector<svm_node> nodes;
  std::vector<svm_node*> sv_rows;
  std::vector<double*> coef_rows;
  svm_model view{};

  Model() = default;
  Model(const Model&) = delete;  // `view` points into the members
  Model& operator=(const Model&) = delete;

  void copy_from(const svm_model& m, int dims_) {
    dims = dims_;
    nr_class = m.nr_class;
    l = m.l;
    param = m.param;
    param.nr_weight = 0;
    param.weight_label = nullptr;
    param.weight = nullptr;
    sv = dsp::MatrixD::Zero(l, dims);
    for (int i = 0; i < l; ++i)
      for (const svm_node* node = m.SV[i]; node->index != -1; ++node)
        sv(i, node->index - 1) = node->value;
    coef.resize(nr_class - 1, l);
    for (int k = 0; k + 1 < nr_class; ++k)
      for (int i = 0; i < l; ++i)
        coef(k, i) = m.sv_coef[k][i];
    const int pairs = nr_class * (nr_class - 1) / 2;
    rho.assign(m.rho, m.rho + pairs);
    prob_a.clear();
    prob_b.clear();
    if (m.probA && m.probB) {
      prob_a.assign(m.probA, m.probA + pairs);
      prob_b.assign(m.probB, m.probB + pairs);
    }
    label.assign(m.label, m.label + nr_class);
    n_sv.assign(m.nSV, m.nSV + nr_class);
    build_view();
  }

  void build_view() {
    const auto d = static_cast<std::size_t>(dims);
    nodes.resize(static_cast<std::size_t>(l) * (d + 1));
    sv_rows.resize(static_cast<std::size_t>(l));
    for (int i = 0; i < l; ++i) {
      svm_node* row = nodes.data() + static_cast<std::size_t>(i) * (d + 1);
      for (std::size_t j = 0; j < d; ++j)
        row[j] = {static_cast<int>(j + 1), sv(i, static_cast<Eigen::Index>(j))};
      row[d] = {-1, 0.0};
      sv_rows[static_cast<std::size_t>(i)] = row;
    }
    coef_rows.resize(static_cast<std::size_t>(std::max(nr_class - 1, 0)));
    for (int k = 0; k + 1 < nr_class; ++k)
      coef_rows[static_cast<std::size_t>(k)] = coef.row(k).data();
    view = svm_model{};
    view.param = param;
    view.nr_class = nr_class;
    view.l = l;
    view.SV = sv_rows.data();
    view.sv_coef = coef_rows.data();
    view.rho = rho.data();
    view.probA = prob_a.empty() ? nullptr : prob_a.data();
    view.probB = prob_b.empty() ? nullptr : prob_b.data();
    view.label = label.data();
    view.nSV = n_sv.data();
    view.free_sv = 0;
  }
};

SvmClassifier::SvmClassifier(SvmOptions options) : options_(std::move(options)) {
  kernel_type(options_.kernel);
  if (options_.grid_search) {
    grid_values(options_.log2_c, "log2_c");
    if (options_.kernel != "linear") grid_values(options_.log2_gamma, "log2_gamma");
  }
}

SvmClassifier::~SvmClassifier() = default;

void SvmClassifier::fit(const dsp::Matrix& x, std::span<const int> labels, int classes,
                        const FitOptions& fit_options) {
  check_training_data("svm", x.rows(), labels, classes);
  install_quiet_printer();
  const int dims = static_cast<int>(x.cols());

  svm_parameter param{};
  param.svm_type = C_SVC;
  param.kernel_type = kernel_type(options_.kernel);
  param.degree = options_.degree;
  param.gamma = options_.gamma > 0 ? options_.gamma : 1.0 / dims;
  param.coef0 = options_.coef0;
  param.cache_size = options_.cache_mb;
  param.eps = options_.tolerance;
  param.C = options_.c;
  param.shrinking = options_.shrinking ? 1 : 0;
  param.probability = 0;
  std::vector<int> weight_label;
  std::vector<double> weight;
  if (!fit_options.class_weights.empty()) {
    for (int c = 0; c < classes; ++c) {
      weight_label.push_back(c);
      weight.push_back(fit_options.class_weights[static_cast<std::size_t>(c)]);
    }
    param.nr_weight = classes;
    param.weight_label = weight_label.data();
    param.weight = weight.data();
  }

  report_ = Json::object();
  if (options_.grid_search) {
    const std::vector<double> cs = grid_values(options_.log2_c, "log2_c");
    const std::vector<double> gammas = options_.kernel == "linear"
                                           ? std::vector<double>{std::log2(param.gamma)}
                                           : grid_values(options_.log2_gamma, "log2_gamma");
    const std::vector<Fold> folds = stratified_kfold(labels, options_.folds, fit_options.seed);
    const int cells = static_cast<int>(cs.size() * gammas.size());
    const int tasks = cells * options_.folds;
    std::vector<int> correct(static_cast<std::size_t>(tasks), 0);
    // Each (C, γ, fold) is an independent svm_train without probabilities: no rand(), no lock.
    parallel_for(tasks, fit_options.threads, [&](int task) {
      const int cell = task / options_.folds;
      const Fold& fold = folds[static_cast<std::size_t>(task % options_.folds)];
      svm_parameter p = param;
      p.C = std::exp2(cs[static_cast<std::size_t>(cell) / gammas.size()]);
      p.gamma = std::exp2(gammas[static_cast<std::size_t>(cell) % gammas.size()]);
      Problem problem(x, labels, fold.train);
      svm_model* model = svm_train(&problem.problem, &p);
      Problem test(x, labels, fold.test);
      int hits = 0;
      for (std::size_t i = 0; i < fold.test.size(); ++i)
        hits += static_cast<int>(svm_predict(model, test.rows[i])) == test.y[i];
      svm_free_and_destroy_model(&model);
      correct[static_cast<std::size_t>(task)] = hits;
    });
    Json grid = Json::array();
    int best_cell = 0, best_hits = -1;
    for (int cell = 0; cell < cells; ++cell) {
      int hits = 0;
      for (int f = 0; f < options_.folds; ++f)
        hits += correct[static_cast<std::size_t>(cell * options_.folds + f)];
      if (hits > best_hits) {
        best_hits = hits;
        best_cell = cell;
      }
      Json entry = {{"log2_c", cs[static_cast<std::size_t>(cell) / gammas.size()]},
                    {"cv_accuracy", static_cast<double>(hits) / static_cast<double>(x.rows())}};
      if (options_.kernel != "linear") {
        entry["log2_gamma"] = gammas[static_cast<std::size_t>(cell) % gammas.size()];
      }
      grid.push_back(entry);
    }
    param.C = std::exp2(cs[static_cast<std::size_t>(best_cell) / gammas.size()]);
    param.gamma = std::exp2(gammas[static_cast<std::size_t>(best_cell) % gammas.size()]);
    report_["grid"] = grid;
    report_["folds"] = options_.folds;
    report_["cv_accuracy"] = static_cast<double>(best_hits) / static_cast<double>(x.rows());
  }
  report_["c"] = param.C;
  report_["gamma"] = param.gamma;
  // LIBSVM's probability fit draws from rand(): this seed (srand) reproduces it.
  if (options_.probability) report_["rand_seed"] = static_cast<unsigned>(fit_options.seed);

  param.probability = options_.probability ? 1 : 0;
  Problem problem(x, labels, all_rows(labels.size()));
  if (const char* message = svm_check_parameter(&problem.problem, &param)) {
    throw usage_error(std::string("svm: ") + message);
  }
  auto model = std::make_unique<Model>();
  {
    const std::lock_guard lock(rand_mutex());
    std::srand(static_cast<unsigned>(fit_options.seed));
    svm_model* trained = svm_train(&problem.problem, &param);
    model->copy_from(*trained, dims);
    svm_free_and_destroy_model(&trained);
  }
  model->classes = classes;
  model_ = std::move(model);
  report_["support_vectors"] = model_->l;
}

std::vector<int> SvmClassifier::predict(const dsp::Matrix& x) const {
  if (!model_) throw usage_error("svm: not trained");
  if (x.cols() != model_->dims) {
    throw usage_error("svm: " + std::to_string(x.cols()) + " dimensions, trained on " +
                      std::to_string(model_->dims));
  }
  std::vector<int> out(static_cast<std::size_t>(x.rows()));
  const std::vector<int> rows = all_rows(out.size());
  const std::vector<int> no_labels(out.size(), 0);
  const Problem problem(x, no_labels, rows);
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<int>(svm_predict(&model_->view, problem.rows[i]));
  return out;
}

dsp::Matrix SvmClassifier::predict_proba(const dsp::Matrix& x) const {
  if (!model_) throw usage_error("svm: not trained");
  dsp::Matrix out = dsp::Matrix::Zero(x.rows(), model_->classes);
  if (model_->prob_a.empty() || model_->nr_class < 2) {
    const std::vector<int> predicted = predict(x);
    for (Eigen::Index i = 0; i < x.rows(); ++i)
      out(i, predicted[static_cast<std::size_t>(i)]) = 1.0f;
    return out;
  }
  if (x.cols() != model_->dims) {
    throw usage_error("svm: " + std::to_string(x.cols()) + " dimensions, trained on " +
                      std::to_string(model_->dims));
  }
  const std::vector<int> rows = all_rows(static_cast<std::size_t>(x.rows()));
  const std::vector<int> no_labels(rows.size(), 0);
  const Problem problem(x, no_labels, rows);
  std::vector<double> p(static_cast<std::size_t>(model_->nr_class));
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    svm_predict_probability(&model_->view, problem.rows[static_cast<std::size_t>(i)], p.data());
    // LIBSVM orders classes by first appearance in the training data; ours by index.
    for (int k = 0; k < model_->nr_class; ++k)
      out(i, model_->label[static_cast<std::size_t>(k)]) =
          static_cast<float>(p[static_cast<std::size_t>(k)]);
  }
  return out;
}

std::vector<double> SvmClassifier::rho() const {
  if (!model_) throw usage_error("svm: not trained");
  return model_->rho;
}

std::vector<int> SvmClassifier::support_vectors_per_class() const {
  if (!model_) throw usage_error("svm: not trained");
  return model_->n_sv;
}

void SvmClassifier::save(ModelState& state) const {
  if (!model_) throw usage_error("svm: not trained");
  const Model& m = *model_;
  state.values["classes"] = m.classes;
  state.values["kernel"] = options_.kernel;
  state.values["gamma"] = m.param.gamma;
  state.values["degree"] = m.param.degree;
  state.values["coef0"] = m.param.coef0;
  state.values["c"] = m.param.C;
  state.values["report"] = report_;
  put_matrix(state, "support_vectors", m.sv);
  put_matrix(state, "sv_coef", m.coef);
  put_vector(state, "rho", m.rho);
  if (!m.prob_a.empty()) {
    put_vector(state, "prob_a", m.prob_a);
    put_vector(state, "prob_b", m.prob_b);
  }
  const std::vector<std::int64_t> label(m.label.begin(), m.label.end());
  const std::vector<std::int64_t> n_sv(m.n_sv.begin(), m.n_sv.end());
  put_ints(state, "labels", label);
  put_ints(state, "sv_per_class", n_sv);
}

void SvmClassifier::load(const ModelState& state) {
  auto m = std::make_unique<Model>();
  m->classes = read_value<int>(state, "classes");
  options_.kernel = read_value<std::string>(state, "kernel");
  m->param = svm_parameter{};
  m->param.svm_type = C_SVC;
  m->param.kernel_type = kernel_type(options_.kernel);
  m->param.gamma = read_value<double>(state, "gamma");
  m->param.degree = read_value<int>(state, "degree");
  m->param.coef0 = read_value<double>(state, "coef0");
  m->param.C = read_value<double>(state, "c");
  report_ = read_value<Json>(state, "report");
  const std::vector<std::int64_t> label = get_ints(state, "labels");
  m->nr_class = static_cast<int>(label.size());
  if (m->nr_class < 1 || m->nr_class > m->classes) {
    throw state_error("tensor 'labels' has " + std::to_string(label.size()) + " classes for " +
                      std::to_string(m->classes));
  }
  const std::vector<std::int64_t> n_sv = get_ints(state, "sv_per_class", m->nr_class);
  m->sv = get_matrix(state, "support_vectors");
  m->l = static_cast<int>(m->sv.rows());
  m->dims = static_cast<int>(m->sv.cols());
  m->coef = get_matrix(state, "sv_coef", m->nr_class - 1, m->l);
  const std::int64_t pairs = m->nr_class * (m->nr_class - 1) / 2;
  m->rho = get_vector(state, "rho", pairs);
  if (state.tensors.count("prob_a") || state.tensors.count("prob_b")) {
    m->prob_a = get_vector(state, "prob_a", pairs);
    m->prob_b = get_vector(state, "prob_b", pairs);
  }
  std::int64_t total = 0;
  for (std::size_t k = 0; k < label.size(); ++k) {
    if (label[k] < 0 || label[k] >= m->classes) {
      throw state_error("tensor 'labels' has a label out of range");
    }
    if (n_sv[k] < 0) throw state_error("tensor 'sv_per_class' is negative");
    m->label.push_back(static_cast<int>(label[k]));
    m->n_sv.push_back(static_cast<int>(n_sv[k]));
    total += n_sv[k];
  }
  if (total != m->l) {
    throw state_error("tensor 'sv_per_class' sums to " + std::to_string(total) + ", but " +
                      "'support_vectors' has " + std::to_string(m->l) + " rows");
  }
  m->build_view();
  model_ = std::move(m);
}

const Schema<SvmOptions>& svm_schema() {
  static const Schema<SvmOptions> schema =
      Schema<SvmOptions>()
          .field("kernel", &SvmOptions::kernel, "kernel", {"linear", "rbf", "poly"})
          .field("c", &SvmOptions::c, "penalty C (the grid search replaces it)",
                 {.min = 1e-9, .max = 1e12})
          .field("gamma", &SvmOptions::gamma, "kernel γ (0: 1/dims; the grid search replaces it)",
                 {.min = 0, .max = 1e12})
          .field("degree", &SvmOptions::degree, "polynomial degree", {.min = 1, .max = 20})
          .field("coef0", &SvmOptions::coef0, "polynomial offset", {.min = -1e6, .max = 1e6})
          .field("probability", &SvmOptions::probability, "Platt-scaled probabilities")
          .field("tolerance", &SvmOptions::tolerance, "stopping tolerance (LIBSVM -e)",
                 {.min = 1e-12, .max = 1})
          .field("cache_mb", &SvmOptions::cache_mb, "kernel cache in MB", {.min = 1, .max = 1e6})
          .field("shrinking", &SvmOptions::shrinking, "LIBSVM's shrinking heuristics")
          .field("grid_search", &SvmOptions::grid_search,
                 "choose C and γ by stratified k-fold cross-validated accuracy")
          .field("log2_c", &SvmOptions::log2_c, "grid of log2 C: [start, stop, step]")
          .field("log2_gamma", &SvmOptions::log2_gamma, "grid of log2 γ: [start, stop, step]")
          .field("folds", &SvmOptions::folds, "cross-validation folds of the grid search",
                 {.min = 2, .max = 100});
  return schema;
}

ClassifierDefinition svm_definition() {
  ClassifierDefinition d;
  d.name = "svm";
  d.description =
      "support vector machine (LIBSVM C-SVC), Platt probabilities, optional grid search";
  d.supports_class_weights = true;
  d.params = svm_schema().declaration();
  d.create = [](const Json& p) -> std::unique_ptr<Classifier> {
    return std::make_unique<SvmClassifier>(svm_schema().from_resolved(p));
  };
  return d;
}

}  // namespace mirkit::models
