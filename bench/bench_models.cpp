// Training and prediction speed of the classical models on 10,000 × 100 synthetic pooled vectors
// (10 Gaussian classes that overlap a little, standardised), next to a reference measured in the
// same run: the float Gram matrix X·Xᵀ of the same data, the floor of any kernel method's work.
//
//   build/release/bench/bench_models --benchmark_min_time=1
//
// The SVM grid search is reduced to 3 × 3 cells (log2 C ∈ {−1, 3, 7}, log2 γ ∈ {−9, −7, −5})
// and 3 folds: grid.py's full 11 × 10 × 5 grid is 550 trainings, hours on this data.
#include <benchmark/benchmark.h>

#include <cmath>
#include <memory>
#include <random>

#include "mirkit/models/gradient_boosting.hpp"
#include "mirkit/models/knn.hpp"
#include "mirkit/models/preprocessing.hpp"
#include "mirkit/models/random_forest.hpp"
#include "mirkit/models/svm.hpp"

namespace {

using mirkit::dsp::Matrix;
using namespace mirkit::models;

constexpr int kItems = 10000, kDims = 100, kClasses = 10;

struct Data {
  Matrix x;
  std::vector<int> labels;
};

const Data& data() {
  static const Data d = [] {
    std::mt19937_64 rng(1);
    std::normal_distribution<float> normal(0, 1);
    Matrix centres(kClasses, kDims);
    for (Eigen::Index i = 0; i < centres.size(); ++i)
      centres.data()[i] = 0.35f * normal(rng);
    Data out;
    out.x.resize(kItems, kDims);
    for (int i = 0; i < kItems; ++i) {
      out.labels.push_back(i % kClasses);
      for (int j = 0; j < kDims; ++j)
        out.x(i, j) = centres(i % kClasses, j) + normal(rng);
    }
    StandardScaler scaler;
    scaler.fit(out.x);
    out.x = scaler.transform(out.x);
    return out;
  }();
  return d;
}

void report_items(benchmark::State& state, int items) {
  state.counters["items_per_s"] =
      benchmark::Counter(static_cast<double>(items) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
}

void BM_GramMatrix(benchmark::State& state) {
  const Matrix& x = data().x;
  for (auto _ : state) {
    Matrix gram = x * x.transpose();
    benchmark::DoNotOptimize(gram.data());
  }
}
BENCHMARK(BM_GramMatrix)->Unit(benchmark::kMillisecond);

void BM_SvmTrain(benchmark::State& state) {
  SvmOptions options;
  options.gamma = 1.0 / 128;  // 2^-7, the middle of the reduced grid
  options.c = 8;
  options.probability = state.range(0) != 0;
  for (auto _ : state) {
    SvmClassifier svm(options);
    svm.fit(data().x, data().labels, kClasses, {});
    state.counters["support_vectors"] = svm.training_report()["support_vectors"].get<double>();
  }
}
BENCHMARK(BM_SvmTrain)->Arg(0)->Arg(1)->Unit(benchmark::kSecond)->Iterations(1);

void BM_SvmGridSearch(benchmark::State& state) {
  SvmOptions options;
  options.grid_search = true;
  options.log2_c = {-1, 7, 4};
  options.log2_gamma = {-9, -5, 2};
  options.folds = 3;
  options.probability = false;
  FitOptions fit;
  fit.threads = static_cast<int>(state.range(0));
  for (auto _ : state) {
    SvmClassifier svm(options);
    svm.fit(data().x, data().labels, kClasses, fit);
    const mirkit::Json report = svm.training_report();
    state.counters["cv_accuracy"] = report["cv_accuracy"].get<double>();
    state.counters["log2_c"] = std::log2(report["c"].get<double>());
    state.counters["log2_gamma"] = std::log2(report["gamma"].get<double>());
  }
}
BENCHMARK(BM_SvmGridSearch)->Arg(1)->Arg(2)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();

void BM_RandomForestTrain(benchmark::State& state) {
  RandomForestOptions options;
  options.trees = 50;
  FitOptions fit;
  fit.threads = static_cast<int>(state.range(0));
  for (auto _ : state) {
    RandomForest forest(options);
    forest.fit(data().x, data().labels, kClasses, fit);
    state.counters["oob_score"] = forest.training_report()["oob_score"].get<double>();
  }
  state.counters["trees"] = options.trees;
}
BENCHMARK(BM_RandomForestTrain)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kSecond)
    ->Iterations(1)
    ->UseRealTime();

void BM_GradientBoostingTrain(benchmark::State& state) {
  GradientBoostingOptions options;
  options.rounds = 50;
  options.validation_fraction = 0;
  for (auto _ : state) {
    GradientBoosting boosting(options);
    boosting.fit(data().x, data().labels, kClasses, {});
  }
  state.counters["trees"] = options.rounds * kClasses;
}
BENCHMARK(BM_GradientBoostingTrain)->Unit(benchmark::kSecond)->Iterations(1);

// Prediction: models trained once (outside the timing) on the first 8,000 items, predicting the
// other 2,000.
template <typename Model>
void predict(benchmark::State& state, const Model& model) {
  const Matrix queries = data().x.bottomRows(2000);
  for (auto _ : state) {
    const Matrix proba = model.predict_proba(queries);
    benchmark::DoNotOptimize(proba.data());
  }
  report_items(state, 2000);
}

void BM_PredictSvm(benchmark::State& state) {
  static const std::unique_ptr<SvmClassifier> svm = [] {
    SvmOptions options;
    options.gamma = 1.0 / 128;
    options.c = 8;
    auto model = std::make_unique<SvmClassifier>(options);
    model->fit(data().x.topRows(8000),
               std::vector<int>(data().labels.begin(), data().labels.begin() + 8000), kClasses, {});
    return model;
  }();
  predict(state, *svm);
}
BENCHMARK(BM_PredictSvm)->Unit(benchmark::kMillisecond);

void BM_PredictRandomForest(benchmark::State& state) {
  static const std::unique_ptr<RandomForest> forest = [] {
    RandomForestOptions options;
    options.trees = 50;
    auto model = std::make_unique<RandomForest>(options);
    FitOptions fit;
    fit.threads = 2;
    model->fit(data().x.topRows(8000),
               std::vector<int>(data().labels.begin(), data().labels.begin() + 8000), kClasses,
               fit);
    return model;
  }();
  predict(state, *forest);
}
BENCHMARK(BM_PredictRandomForest)->Unit(benchmark::kMillisecond);

void BM_PredictKnn(benchmark::State& state) {
  static const std::unique_ptr<KNearestNeighbours> knn = [] {
    auto model =
        std::make_unique<KNearestNeighbours>(KnnOptions{7, "euclidean", "uniform", "auto"});
    model->fit(data().x.topRows(8000),
               std::vector<int>(data().labels.begin(), data().labels.begin() + 8000), kClasses, {});
    return model;
  }();
  predict(state, *knn);
}
BENCHMARK(BM_PredictKnn)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
