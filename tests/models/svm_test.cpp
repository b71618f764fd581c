// The SVM against LIBSVM's own command-line tools on the same scaled data: the same library
// should give the same model, so labels must be equal and numbers equal to the digits the tools
// print.
#include "mirkit/models/svm.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "mirkit/core/error.hpp"
#include "mirkit/models/metrics.hpp"
#include "mirkit/models/preprocessing.hpp"
#include "support/run.hpp"
#include "support/temp_dir.hpp"
#include "synthetic.hpp"

namespace mirkit::models {
namespace {

const char* const kTrain = "/usr/bin/svm-train";
const char* const kPredict = "/usr/bin/svm-predict";

bool tools_present() {
  return std::filesystem::exists(kTrain) && std::filesystem::exists(kPredict);
}

// Every value with 17 significant digits: the doubles the tools read are exactly ours.
void write_libsvm(const std::filesystem::path& path, const dsp::Matrix& x,
                  const std::vector<int>& labels) {
  std::ofstream out(path);
  char buffer[64];
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    out << labels[static_cast<std::size_t>(i)];
    for (Eigen::Index d = 0; d < x.cols(); ++d) {
      std::snprintf(buffer, sizeof buffer, " %d:%.17g", static_cast<int>(d + 1),
                    static_cast<double>(x(i, d)));
      out << buffer;
    }
    out << '\n';
  }
}

struct ToolOutput {
  std::vector<int> labels;
  std::vector<int> class_order;            // the "labels" header of -b 1 output
  std::vector<std::vector<double>> proba;  // per row, in class_order
  std::vector<double> rho;
  std::vector<int> n_sv;
};

ToolOutput run_tools(const test::TempDir& dir, const std::vector<std::string>& train_args,
                     bool probability) {
  const std::string train = (dir / "train.txt").string(), test_file = (dir / "test.txt").string();
  const std::string model = (dir / "model.txt").string(), out = (dir / "out.txt").string();
  std::vector<std::string> args = {"-q"};
  args.insert(args.end(), train_args.begin(), train_args.end());
  args.insert(args.end(), {train, model});
  const test::RunResult trained = test::run_program(kTrain, args);
  EXPECT_EQ(trained.exit_code, 0) << trained.err;
  const test::RunResult predicted =
      test::run_program(kPredict, {"-q", "-b", probability ? "1" : "0", test_file, model, out});
  EXPECT_EQ(predicted.exit_code, 0) << predicted.err;

  ToolOutput result;
  std::ifstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    if (line.rfind("labels", 0) == 0) {
      std::string word;
      words >> word;
      for (int label; words >> label;)
        result.class_order.push_back(label);
      continue;
    }
    int label = 0;
    words >> label;
    result.labels.push_back(label);
    std::vector<double> p;
    for (double v; words >> v;)
      p.push_back(v);
    result.proba.push_back(p);
  }
  std::ifstream model_in(model);
  while (std::getline(model_in, line)) {
    std::istringstream words(line);
    std::string key;
    words >> key;
    if (key == "rho") {
      for (double v; words >> v;)
        result.rho.push_back(v);
    } else if (key == "nr_sv") {
      for (int v; words >> v;)
        result.n_sv.push_back(v);
    }
  }
  return result;
}

struct Scaled {
  test::Dataset train, test;
};

Scaled scaled_blobs(int classes) {
  test::Dataset all = test::make_blobs(180, 6, classes, 1.5, 11);
  Scaled s{test::slice(all, 0, 120), test::slice(all, 120, 180)};
  StandardScaler scaler;
  scaler.fit(s.train.x);
  s.train.x = scaler.transform(s.train.x);
  s.test.x = scaler.transform(s.test.x);
  return s;
}

TEST(Svm, RbfWithProbabilitiesEqualsSvmTrainAndSvmPredict) {
  if (!tools_present())
    GTEST_SKIP() << "svm-train/svm-predict absent (Debian package libsvm-tools)";
  const Scaled data = scaled_blobs(3);
  test::TempDir dir;
  write_libsvm(dir / "train.txt", data.train.x, data.train.labels);
  write_libsvm(dir / "test.txt", data.test.x, data.test.labels);
  const ToolOutput tools =
      run_tools(dir, {"-s", "0", "-t", "2", "-c", "4", "-g", "0.25", "-b", "1"}, true);

  SvmOptions options;
  options.kernel = "rbf";
  options.c = 4;
  options.gamma = 0.25;
  // svm-train never calls srand, so its rand() runs from glibc's initial state, which is srand(1).
  FitOptions fit;
  fit.seed = 1;
  SvmClassifier svm(options);
  svm.fit(data.train.x, data.train.labels, 3, fit);

  // With -b 1 svm-predict labels each row by its most probable class (not the pairwise vote).
  const dsp::Matrix proba = svm.predict_proba(data.test.x);
  EXPECT_EQ(argmax_rows(proba), tools.labels);
  EXPECT_EQ(svm.support_vectors_per_class(), tools.n_sv);
  const std::vector<double> rho = svm.rho();
  ASSERT_EQ(rho.size(), tools.rho.size());
  for (std::size_t i = 0; i < rho.size(); ++i)
    EXPECT_NEAR(rho[i], tools.rho[i], 1e-15 * (1 + std::abs(rho[i])));  // written with %.17g

  // Without -b the same model labels by the pairwise vote: our predict().
  const std::string votes = (dir / "votes.txt").string();
  ASSERT_EQ(test::run_program(
                kPredict, {"-q", (dir / "test.txt").string(), (dir / "model.txt").string(), votes})
                .exit_code,
            0);
  std::vector<int> vote_labels;
  std::ifstream votes_in(votes);
  for (int label; votes_in >> label;)
    vote_labels.push_back(label);
  EXPECT_EQ(svm.predict(data.test.x), vote_labels);

  ASSERT_EQ(tools.proba.size(), static_cast<std::size_t>(proba.rows()));
  for (Eigen::Index i = 0; i < proba.rows(); ++i) {
    for (std::size_t k = 0; k < tools.class_order.size(); ++k) {
      // svm-predict prints %g (6 significant digits); ours are floats (2^-24 relative).
      EXPECT_NEAR(proba(i, tools.class_order[k]), tools.proba[static_cast<std::size_t>(i)][k],
                  1e-5);
    }
  }
}

TEST(Svm, LinearWithClassWeightsEqualsSvmTrain) {
  if (!tools_present())
    GTEST_SKIP() << "svm-train/svm-predict absent (Debian package libsvm-tools)";
  const Scaled data = scaled_blobs(2);
  test::TempDir dir;
  write_libsvm(dir / "train.txt", data.train.x, data.train.labels);
  write_libsvm(dir / "test.txt", data.test.x, data.test.labels);
  const ToolOutput tools =
      run_tools(dir, {"-s", "0", "-t", "0", "-c", "0.5", "-w0", "3", "-w1", "0.5"}, false);
  SvmOptions options;
  options.kernel = "linear";
  options.c = 0.5;
  options.probability = false;
  FitOptions fit;
  fit.class_weights = {3, 0.5};
  SvmClassifier svm(options);
  svm.fit(data.train.x, data.train.labels, 2, fit);
  EXPECT_EQ(svm.predict(data.test.x), tools.labels);
  EXPECT_EQ(svm.support_vectors_per_class(), tools.n_sv);
  ASSERT_EQ(svm.rho().size(), 1u);
  EXPECT_NEAR(svm.rho()[0], tools.rho[0], 1e-15 * (1 + std::abs(tools.rho[0])));
}

TEST(Svm, PolynomialKernelEqualsSvmTrain) {
  if (!tools_present())
    GTEST_SKIP() << "svm-train/svm-predict absent (Debian package libsvm-tools)";
  const Scaled data = scaled_blobs(3);
  test::TempDir dir;
  write_libsvm(dir / "train.txt", data.train.x, data.train.labels);
  write_libsvm(dir / "test.txt", data.test.x, data.test.labels);
  const ToolOutput tools =
      run_tools(dir, {"-s", "0", "-t", "1", "-d", "2", "-g", "0.5", "-r", "1", "-c", "2"}, false);
  SvmOptions options;
  options.kernel = "poly";
  options.degree = 2;
  options.gamma = 0.5;
  options.coef0 = 1;
  options.c = 2;
  options.probability = false;
  SvmClassifier svm(options);
  svm.fit(data.train.x, data.train.labels, 3, {});
  EXPECT_EQ(svm.predict(data.test.x), tools.labels);
  EXPECT_EQ(svm.support_vectors_per_class(), tools.n_sv);
  ASSERT_EQ(svm.rho().size(), tools.rho.size());
  for (std::size_t i = 0; i < tools.rho.size(); ++i)
    EXPECT_NEAR(svm.rho()[i], tools.rho[i], 1e-15 * (1 + std::abs(tools.rho[i])));
}

TEST(Svm, GridSearchPicksTheBestCrossValidatedCell) {
  const Scaled data = scaled_blobs(3);
  SvmOptions options;
  options.grid_search = true;
  options.log2_c = {-3, 5, 4};       // 2^-3, 2^1, 2^5
  options.log2_gamma = {1, -7, -4};  // 2^1, 2^-3, 2^-7
  options.folds = 3;
  options.probability = false;
  SvmClassifier one(options), two(options);
  FitOptions fit;
  fit.threads = 1;
  one.fit(data.train.x, data.train.labels, 3, fit);
  fit.threads = 2;
  two.fit(data.train.x, data.train.labels, 3, fit);
  const Json report = one.training_report();
  ASSERT_EQ(report["grid"].size(), 9u);
  double best = 0;
  for (const Json& cell : report["grid"])
    best = std::max(best, cell["cv_accuracy"].get<double>());
  EXPECT_EQ(report["cv_accuracy"].get<double>(), best);
  EXPECT_EQ(report, two.training_report());  // same folds and choice on any thread count
  EXPECT_GT(best, 0.8);
  EXPECT_EQ(one.predict(data.test.x), two.predict(data.test.x));
}

TEST(Svm, SaveLoadRoundTripsAndRejectsAMalformedState) {
  const Scaled data = scaled_blobs(3);
  SvmClassifier svm;
  svm.fit(data.train.x, data.train.labels, 3, {});
  ModelState state;
  svm.save(state);
  SvmClassifier back;
  back.load(state);
  EXPECT_EQ(back.predict_proba(data.test.x), svm.predict_proba(data.test.x));

  ModelState missing = state;
  missing.tensors.erase("rho");
  try {
    back.load(missing);
    FAIL() << "loaded a state without rho";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("'rho'"), std::string::npos) << error.what();
  }
  ModelState wrong = state;
  wrong.tensors["sv_coef"] = io::Tensor::from_doubles({1, 1}, std::vector<double>{1.0});
  EXPECT_THROW(back.load(wrong), Error);
}

}  // namespace
}  // namespace mirkit::models
