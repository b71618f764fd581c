#include "mirkit/models/knn.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "synthetic.hpp"

namespace mirkit::models {
namespace {

// The definition itself: every distance computed directly in double, sorted by (distance, index).
std::vector<std::pair<double, int>> reference_neighbours(const dsp::Matrix& train,
                                                         const float* query,
                                                         const std::string& metric, int k) {
  std::vector<std::pair<double, int>> all;
  for (Eigen::Index j = 0; j < train.rows(); ++j) {
    double d = 0, dot = 0, nq = 0, nt = 0;
    for (Eigen::Index c = 0; c < train.cols(); ++c) {
      const double q = query[c], t = train(j, c);
      d += metric == "manhattan" ? std::abs(q - t) : (q - t) * (q - t);
      dot += q * t;
      nq += q * q;
      nt += t * t;
    }
    if (metric == "euclidean") d = std::sqrt(d);
    if (metric == "cosine") d = std::max(0.0, 1 - dot / std::sqrt(nq * nt));
    all.push_back({d, static_cast<int>(j)});
  }
  std::sort(all.begin(), all.end());
  all.resize(static_cast<std::size_t>(k));
  return all;
}

dsp::Matrix reference_proba(const test::Dataset& train, const dsp::Matrix& queries,
                            const std::string& metric, const std::string& weights, int k) {
  dsp::Matrix out = dsp::Matrix::Zero(queries.rows(), train.classes);
  for (Eigen::Index i = 0; i < queries.rows(); ++i) {
    const auto nn = reference_neighbours(train.x, queries.row(i).data(), metric, k);
    std::vector<double> votes(static_cast<std::size_t>(train.classes), 0.0);
    const bool exact = weights == "distance" && nn[0].first == 0;
    for (const auto& [d, j] : nn) {
      const double w = weights == "uniform" ? 1.0 : exact ? (d == 0 ? 1.0 : 0.0) : 1.0 / d;
      votes[static_cast<std::size_t>(train.labels[static_cast<std::size_t>(j)])] += w;
    }
    double total = 0;
    for (const double v : votes)
      total += v;
    for (int c = 0; c < train.classes; ++c)
      out(i, c) = static_cast<float>(votes[static_cast<std::size_t>(c)] / total);
  }
  return out;
}

void expect_matches_reference(const test::Dataset& train, const dsp::Matrix& queries,
                              const std::string& metric, const std::string& algorithm,
                              bool expect_tree) {
  for (const std::string weights : {"uniform", "distance"}) {
    KNearestNeighbours knn({7, metric, weights, algorithm});
    knn.fit(train.x, train.labels, train.classes, {});
    EXPECT_EQ(knn.uses_kd_tree(), expect_tree);
    const Neighbours nn = knn.neighbours(queries);
    for (Eigen::Index i = 0; i < queries.rows(); ++i) {
      const auto expected = reference_neighbours(train.x, queries.row(i).data(), metric, 7);
      for (int j = 0; j < 7; ++j) {
        ASSERT_EQ(nn.index[static_cast<std::size_t>(i * 7 + j)],
                  expected[static_cast<std::size_t>(j)].second)
            << metric << " " << algorithm << " query " << i << " rank " << j;
        // Matrix-product distances differ from direct sums by rounding: 1e-9 relative.
        EXPECT_NEAR(nn.distance[static_cast<std::size_t>(i * 7 + j)],
                    expected[static_cast<std::size_t>(j)].first,
                    1e-9 * (1 + expected[static_cast<std::size_t>(j)].first));
      }
    }
    // Same neighbours, same weights up to float output rounding.
    EXPECT_TRUE(knn.predict_proba(queries).isApprox(
        reference_proba(train, queries, metric, weights, 7), 1e-6f))
        << metric << " " << weights;
  }
}

TEST(Knn, BruteForceEqualsTheDefinitionForEveryMetric) {
  const test::Dataset train = test::make_blobs(300, 20, 4, 2.0, 1);
  const test::Dataset queries = test::make_blobs(40, 20, 4, 2.0, 2);
  for (const std::string metric : {"euclidean", "cosine", "manhattan"})
    expect_matches_reference(train, queries.x, metric, "auto", false);
}

TEST(Knn, KdTreeEqualsTheDefinitionIncludingTies) {
  // Small integer coordinates: many exactly equal distances, broken by the lower index.
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> coordinate(0, 6);
  test::Dataset train;
  train.classes = 3;
  train.x.resize(1500, 3);
  for (int i = 0; i < 1500; ++i) {
    for (int d = 0; d < 3; ++d)
      train.x(i, d) = static_cast<float>(coordinate(rng));
    train.labels.push_back(static_cast<int>(rng() % 3));
  }
  dsp::Matrix queries(60, 3);
  for (Eigen::Index i = 0; i < queries.size(); ++i)
    queries.data()[i] = static_cast<float>(coordinate(rng)) + (i % 2 ? 0.5f : 0.0f);
  for (const std::string metric : {"euclidean", "manhattan"}) {
    expect_matches_reference(train, queries, metric, "auto", true);  // ≤ 15 dims, ≥ 1000 items
    expect_matches_reference(train, queries, metric, "brute", false);
  }
}

TEST(Knn, CosineDistancesAreNeverNegativeSoATrainingRowGetsItsOwnClass) {
  // 1 − q·x of a unit row with itself rounds to a few 1e-16 either side of 0. A negative one
  // gave a weight of about −1e16 and probabilities below zero (`mirkit predict` wrote
  // -1.66e-16 for a training clip). scikit-learn clips cosine distances to [0, 2]; so do we.
  const test::Dataset train = test::make_blobs(200, 20, 4, 2.0, 5);
  KNearestNeighbours knn({7, "cosine", "distance", "auto"});
  knn.fit(train.x, train.labels, train.classes, {});
  const Neighbours nn = knn.neighbours(train.x);
  EXPECT_GE(*std::min_element(nn.distance.begin(), nn.distance.end()), 0.0);
  const dsp::Matrix p = knn.predict_proba(train.x);
  EXPECT_GE(p.minCoeff(), 0.0f);
  for (Eigen::Index i = 0; i < train.x.rows(); ++i)
    EXPECT_EQ(p(i, train.labels[static_cast<std::size_t>(i)]), 1.0f) << "row " << i;
}

TEST(Knn, SaveLoadGivesIdenticalPredictions) {
  const test::Dataset train = test::make_blobs(100, 5, 3, 2.0, 4);
  KNearestNeighbours knn({5, "cosine", "distance", "auto"});
  knn.fit(train.x, train.labels, train.classes, {});
  ModelState state;
  knn.save(state);
  KNearestNeighbours back({5, "cosine", "distance", "auto"});
  back.load(state);
  EXPECT_EQ(back.predict_proba(train.x), knn.predict_proba(train.x));
}

TEST(Knn, LoadRejectsCountsNoIntegerHolds) {
  // A model file saying "classes": 1e30 (or 2.5): converting it to int was undefined behaviour
  // (found by fuzzing); it is a value of the wrong type, named.
  const test::Dataset train = test::make_blobs(30, 3, 2, 2.0, 4);
  KNearestNeighbours knn({3, "euclidean", "uniform", "auto"});
  knn.fit(train.x, train.labels, train.classes, {});
  for (const Json& classes : {Json(1e30), Json(2.5), Json(std::uint64_t{1} << 40)}) {
    ModelState state;
    knn.save(state);
    state.values["classes"] = classes;
    KNearestNeighbours back;
    try {
      back.load(state);
      FAIL() << "loaded classes = " << classes.dump();
    } catch (const Error& error) {
      EXPECT_NE(error.cause().find("value 'classes' has the wrong type"), std::string::npos)
          << error.what();
    }
  }
}

}  // namespace
}  // namespace mirkit::models
