#include "mirkit/models/knn.hpp"

#include <algorithm>
#include <cmath>

#include "kd_tree.hpp"
#include "mirkit/core/error.hpp"
#include "mirkit/core/schema.hpp"
#include "mirkit/models/registry.hpp"

namespace mirkit::models {

namespace {

constexpr Eigen::Index kQueryBlock = 256;  // queries per matrix product: bounds the memory

void normalise_rows(dsp::MatrixD& x) {
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    const double norm = x.row(i).norm();
    if (norm > 0) x.row(i) /= norm;
  }
}

// The k smallest (distance, index) pairs of one row of distances, in order.
void select_nearest(const double* distances, Eigen::Index n, int k, int* index_out,
                    double* distance_out, std::vector<std::pair<double, int>>& scratch) {
  scratch.resize(static_cast<std::size_t>(n));
  for (Eigen::Index j = 0; j < n; ++j)
    scratch[static_cast<std::size_t>(j)] = {distances[j], static_cast<int>(j)};
  std::partial_sort(scratch.begin(), scratch.begin() + k, scratch.end());
  for (int j = 0; j < k; ++j) {
    index_out[j] = scratch[static_cast<std::size_t>(j)].second;
    distance_out[j] = scratch[static_cast<std::size_t>(j)].first;
  }
}

}  // namespace

KNearestNeighbours::KNearestNeighbours(KnnOptions options) : options_(std::move(options)) {
  if (options_.k < 1) throw usage_error("k-nn: k must be at least 1");
  if (options_.metric != "euclidean" && options_.metric != "cosine" &&
      options_.metric != "manhattan") {
    throw usage_error("k-nn: metric must be euclidean, cosine or manhattan");
  }
  if (options_.weights != "uniform" && options_.weights != "distance") {
    throw usage_error("k-nn: weights must be uniform or distance");
  }
  if (options_.algorithm != "auto" && options_.algorithm != "brute" &&
      options_.algorithm != "kd_tree") {
    throw usage_error("k-nn: algorithm must be auto, brute or kd_tree");
  }
  if (options_.algorithm == "kd_tree" && options_.metric == "cosine") {
    throw usage_error("k-nn: the k-d tree serves euclidean and manhattan; use brute for cosine");
  }
}

KNearestNeighbours::~KNearestNeighbours() = default;

void KNearestNeighbours::fit(const dsp::Matrix& x, std::span<const int> labels, int classes,
                             const FitOptions&) {
  check_training_data("k-nn", x.rows(), labels, classes);
  train_ = x.cast<double>();
  if (options_.metric == "cosine") normalise_rows(train_);
  labels_.assign(labels.begin(), labels.end());
  classes_ = classes;
  prepare();
}

void KNearestNeighbours::prepare() {
  tree_.reset();
  const bool small_dims = train_.cols() <= 15 && train_.rows() >= 1000;
  const bool tree_metric = options_.metric != "cosine";
  if (options_.algorithm == "kd_tree" ||
      (options_.algorithm == "auto" && small_dims && tree_metric)) {
    tree_ = std::make_unique<KdTree>(
        train_, options_.metric == "manhattan" ? KdMetric::manhattan : KdMetric::euclidean);
  }
}

Neighbours KNearestNeighbours::neighbours(const dsp::Matrix& x) const {
  if (labels_.empty()) throw usage_error("k-nn: not trained");
  if (x.cols() != train_.cols()) {
    throw usage_error("k-nn: " + std::to_string(x.cols()) + " dimensions, trained on " +
                      std::to_string(train_.cols()));
  }
  Neighbours out;
  out.k = std::min<int>(options_.k, static_cast<int>(train_.rows()));
  const auto k = static_cast<std::size_t>(out.k);
  out.index.resize(static_cast<std::size_t>(x.rows()) * k);
  out.distance.resize(out.index.size());
  dsp::MatrixD queries = x.cast<double>();
  if (options_.metric == "cosine") normalise_rows(queries);

  if (tree_) {
    for (Eigen::Index i = 0; i < queries.rows(); ++i) {
      tree_->nearest(queries.row(i).data(), out.k, out.index.data() + i * out.k,
                     out.distance.data() + i * out.k);
    }
    return out;
  }
  const Eigen::VectorXd train_norms = train_.rowwise().squaredNorm();
  std::vector<std::pair<double, int>> scratch;
  for (Eigen::Index start = 0; start < queries.rows(); start += kQueryBlock) {
    const Eigen::Index rows = std::min(kQueryBlock, queries.rows() - start);
    const auto block = queries.middleRows(start, rows);
    dsp::MatrixD d(rows, train_.rows());
    if (options_.metric == "manhattan") {
      for (Eigen::Index i = 0; i < rows; ++i)
        for (Eigen::Index j = 0; j < train_.rows(); ++j)
          d(i, j) = (block.row(i) - train_.row(j)).cwiseAbs().sum();
    } else {
      // ‖q − x‖² = ‖q‖² − 2 q·x + ‖x‖², and for unit rows 1 − cos = 1 − q·x: one matrix product.
      d.noalias() = block * train_.transpose();
      if (options_.metric == "cosine") {
        // Rounding puts a row's distance to itself a few 1e-16 either side of 0; a negative
        // one would make a negative vote weight. Clipped as scikit-learn does.
        d = (1.0 - d.array()).max(0.0).matrix();
      } else {
        const Eigen::VectorXd query_norms = block.rowwise().squaredNorm();
        for (Eigen::Index i = 0; i < rows; ++i)
          for (Eigen::Index j = 0; j < train_.rows(); ++j)
            d(i, j) = std::sqrt(std::max(0.0, query_norms[i] - 2 * d(i, j) + train_norms[j]));
      }
    }
    for (Eigen::Index i = 0; i < rows; ++i) {
      const Eigen::Index r = start + i;
      select_nearest(d.row(i).data(), train_.rows(), out.k, out.index.data() + r * out.k,
                     out.distance.data() + r * out.k, scratch);
    }
  }
  return out;
}

dsp::Matrix KNearestNeighbours::predict_proba(const dsp::Matrix& x) const {
  const Neighbours nn = neighbours(x);
  dsp::Matrix out = dsp::Matrix::Zero(x.rows(), classes_);
  const bool by_distance = options_.weights == "distance";
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    const int* index = nn.index.data() + i * nn.k;
    const double* distance = nn.distance.data() + i * nn.k;
    // With distance weights an exact match (d = 0) takes all the weight (as scikit-learn).
    const bool exact = by_distance && distance[0] == 0.0;
    std::vector<double> votes(static_cast<std::size_t>(classes_), 0.0);
    for (int j = 0; j < nn.k; ++j) {
      double w = 1.0;
      if (exact) {
        w = distance[j] == 0.0 ? 1.0 : 0.0;
      } else if (by_distance) {
        w = 1.0 / distance[j];
      }
      votes[static_cast<std::size_t>(labels_[static_cast<std::size_t>(index[j])])] += w;
    }
    double total = 0;
    for (const double v : votes)
      total += v;
    for (int c = 0; c < classes_; ++c)
      out(i, c) = static_cast<float>(votes[static_cast<std::size_t>(c)] / total);
  }
  return out;
}

Json KNearestNeighbours::training_report() const {
  return {{"algorithm", tree_ ? "kd_tree" : "brute"}};
}

void KNearestNeighbours::save(ModelState& state) const {
  state.values["classes"] = classes_;
  state.values["k"] = options_.k;
  state.values["metric"] = options_.metric;
  state.values["weights"] = options_.weights;
  state.values["algorithm"] = options_.algorithm;
  put_matrix(state, "train", train_);
  const std::vector<std::int64_t> labels(labels_.begin(), labels_.end());
  put_ints(state, "labels", labels);
}

void KNearestNeighbours::load(const ModelState& state) {
  classes_ = read_value<int>(state, "classes");
  // The saved settings win: the stored rows are in the metric's form (unit length for cosine).
  const KnnOptions saved{read_value<int>(state, "k"), read_value<std::string>(state, "metric"),
                         read_value<std::string>(state, "weights"),
                         read_value<std::string>(state, "algorithm")};
  const KNearestNeighbours check(saved);  // the same validation as a fresh model
  options_ = saved;
  train_ = get_matrix(state, "train");
  const std::vector<std::int64_t> labels = get_ints(state, "labels", train_.rows());
  if (train_.rows() == 0) throw state_error("tensor 'train' has no rows");
  labels_.clear();
  for (const std::int64_t label : labels) {
    if (label < 0 || label >= classes_)
      throw state_error("tensor 'labels' has a label out of range");
    labels_.push_back(static_cast<int>(label));
  }
  prepare();
}

const Schema<KnnOptions>& knn_schema() {
  static const Schema<KnnOptions> schema =
      Schema<KnnOptions>()
          .field("k", &KnnOptions::k, "neighbours that vote", {.min = 1, .max = 10000})
          .field("metric", &KnnOptions::metric, "distance", {"euclidean", "cosine", "manhattan"})
          .field("weights", &KnnOptions::weights, "vote weights: equal, or 1/distance",
                 {"uniform", "distance"})
          .field("algorithm", &KnnOptions::algorithm,
                 "search: auto (k-d tree for ≤ 15 dims and ≥ 1000 items), brute, kd_tree",
                 {"auto", "brute", "kd_tree"});
  return schema;
}

ClassifierDefinition knn_definition() {
  ClassifierDefinition d;
  d.name = "knn";
  d.description = "k-nearest neighbours (brute force by matrix products, or a k-d tree)";
  d.params = knn_schema().declaration();
  d.create = [](const Json& p) -> std::unique_ptr<Classifier> {
    return std::make_unique<KNearestNeighbours>(knn_schema().from_resolved(p));
  };
  return d;
}

}  // namespace mirkit::models
