#include "mirkit/models/hmm.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "mirkit/core/error.hpp"
#include "mirkit/models/hmm_classifier.hpp"

namespace mirkit::models {
namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

struct SmallModel {
  Eigen::VectorXd log_start;
  Eigen::MatrixXd log_transition;
  dsp::MatrixD log_emission;  // frames × states
};

SmallModel random_model(int states, int frames, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.05, 1.0), e(-8.0, 0.0);
  SmallModel m;
  Eigen::VectorXd start(states);
  Eigen::MatrixXd a(states, states);
  for (int i = 0; i < states; ++i) {
    start[i] = u(rng);
    for (int j = 0; j < states; ++j)
      a(i, j) = u(rng);
  }
  a(0, states - 1) = 0;  // one forbidden transition: −inf must be handled
  m.log_start = (start / start.sum()).array().log();
  m.log_transition = (a.array().colwise() / a.rowwise().sum().array()).log();
  m.log_emission.resize(frames, states);
  for (Eigen::Index i = 0; i < m.log_emission.size(); ++i)
    m.log_emission.data()[i] = e(rng);
  return m;
}

// Every one of states^frames paths, its log probability computed directly.
template <typename Visit>
void for_each_path(const SmallModel& m, Visit&& visit) {
  const auto states = static_cast<int>(m.log_start.size());
  const auto frames = static_cast<int>(m.log_emission.rows());
  std::vector<int> path(static_cast<std::size_t>(frames), 0);
  for (;;) {
    double lp = m.log_start[path[0]] + m.log_emission(0, path[0]);
    for (int t = 1; t < frames; ++t)
      lp += m.log_transition(path[static_cast<std::size_t>(t - 1)],
                             path[static_cast<std::size_t>(t)]) +
            m.log_emission(t, path[static_cast<std::size_t>(t)]);
    visit(path, lp);
    int t = frames - 1;
    while (t >= 0 && ++path[static_cast<std::size_t>(t)] == states)
      path[static_cast<std::size_t>(t--)] = 0;
    if (t < 0) return;
  }
}

TEST(Hmm, ForwardLikelihoodEqualsTheSumOverAllPaths) {
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    const SmallModel m = random_model(3, 6, seed);  // 729 paths
    double total = 0;
    for_each_path(m, [&](const std::vector<int>&, double lp) { total += std::exp(lp); });
    // Both in double; log-space sums vs a direct sum differ by rounding only: 1e-12 relative.
    EXPECT_NEAR(forward_log_likelihood(m.log_start, m.log_transition, m.log_emission),
                std::log(total), 1e-12 * std::abs(std::log(total)));
  }
}

TEST(Hmm, ViterbiEqualsExhaustiveSearch) {
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    const SmallModel m = random_model(3, 7, seed + 10);
    std::vector<int> best_path;
    double best = kNegInf;
    for_each_path(m, [&](const std::vector<int>& path, double lp) {
      if (lp > best) {
        best = lp;
        best_path = path;
      }
    });
    const ViterbiPath v = viterbi(m.log_start, m.log_transition, m.log_emission);
    EXPECT_EQ(v.states, best_path);
    EXPECT_NEAR(v.log_probability, best, 1e-12 * std::abs(best));  // same sums, other order
  }
}

// Two classes with the same two emission Gaussians (±2, unit variance, equally often) but
// different dynamics: class 0 stays in a state (p = 0.95), class 1 switches every frame
// (p = 0.9). Frame statistics are identical, so only the temporal model can tell them apart.
struct SequenceData {
  dsp::Matrix frames;
  std::vector<std::int64_t> offsets{0};
  std::vector<int> labels;
  std::vector<std::vector<int>> states;
};

SequenceData sticky_vs_switching(int items, int length, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  std::normal_distribution<double> noise(0, 1);
  SequenceData data;
  data.frames.resize(items * length, 1);
  for (int i = 0; i < items; ++i) {
    const int label = i % 2;
    const double stay = label == 0 ? 0.95 : 0.1;
    int state = u(rng) < 0.5 ? 0 : 1;
    std::vector<int> path;
    for (int t = 0; t < length; ++t) {
      if (t > 0 && u(rng) > stay) state = 1 - state;
      path.push_back(state);
      data.frames(i * length + t, 0) = static_cast<float>((state ? 2.0 : -2.0) + noise(rng));
    }
    data.states.push_back(path);
    data.labels.push_back(label);
    data.offsets.push_back(data.offsets.back() + length);
  }
  return data;
}

TEST(Hmm, BaumWelchRecoversTheDynamicsAndViterbiTheStates) {
  const SequenceData data = sticky_vs_switching(40, 100, 1);
  std::vector<dsp::MatrixD> sticky;
  for (int i = 0; i < 40; i += 2)
    sticky.push_back(data.frames.middleRows(i * 100, 100).cast<double>());
  HmmOptions options;
  options.states = 2;
  options.max_iterations = 50;
  GaussianHmm hmm(options);
  hmm.fit(sticky, 5);
  // 20 × 99 transitions: the self-transition estimate is within a few hundredths of 0.95.
  EXPECT_NEAR(std::exp(hmm.log_transition()(0, 0)), 0.95, 0.03);
  EXPECT_NEAR(std::exp(hmm.log_transition()(1, 1)), 0.95, 0.03);
  // Decoding: the state whose mean is +2 is "state 1" of the generator.
  const int positive = hmm.emissions()[1].means()(0, 0) > 0 ? 1 : 0;
  int agree = 0;
  const ViterbiPath path = hmm.decode(sticky[0]);
  for (int t = 0; t < 100; ++t)
    agree += (path.states[static_cast<std::size_t>(t)] == positive) ==
             (data.states[0][static_cast<std::size_t>(t)] == 1);
  // Emissions ±2 with unit noise and sticky states: Viterbi errs on a few frames at most.
  EXPECT_GE(agree, 95);
}

TEST(HmmClassifier, SeparatesClassesThatDifferOnlyInDynamicsAndRoundTrips) {
  const SequenceData train = sticky_vs_switching(40, 60, 2);
  const SequenceData held = sticky_vs_switching(20, 60, 3);
  HmmOptions options;
  options.states = 2;
  HmmClassifier hmm(options);
  FitOptions fit;
  fit.threads = 2;
  hmm.fit({train.frames, train.offsets}, train.labels, 2, fit);
  const dsp::Matrix proba = hmm.predict_proba({held.frames, held.offsets});
  int correct = 0;
  for (int i = 0; i < 20; ++i)
    correct += (proba(i, 1) > proba(i, 0)) == (held.labels[static_cast<std::size_t>(i)] == 1);
  EXPECT_GE(correct, 19);
  ModelState state;
  hmm.save(state);
  HmmClassifier back(options);
  back.load(state);
  EXPECT_EQ(back.predict_proba({held.frames, held.offsets}), proba);
  state.tensors.erase("class1.transition");
  EXPECT_THROW(back.load(state), Error);
}

TEST(Hmm, MixtureEmissionsAndLeftToRightTopologyTrain) {
  const SequenceData data = sticky_vs_switching(10, 50, 4);
  std::vector<dsp::MatrixD> sequences;
  for (int i = 0; i < 10; ++i)
    sequences.push_back(data.frames.middleRows(i * 50, 50).cast<double>());
  HmmOptions options;
  options.states = 3;
  options.mixtures = 2;
  options.topology = "left_to_right";
  GaussianHmm hmm(options);
  hmm.fit(sequences, 1);
  // Left-to-right: no way back, and every path starts in state 0.
  EXPECT_EQ(hmm.log_transition()(1, 0), kNegInf);
  EXPECT_EQ(hmm.log_transition()(2, 1), kNegInf);
  const ViterbiPath path = hmm.decode(sequences[0]);
  EXPECT_EQ(path.states[0], 0);
  EXPECT_TRUE(std::is_sorted(path.states.begin(), path.states.end()));
  EXPECT_TRUE(std::isfinite(hmm.log_likelihood(sequences[1])));
}

}  // namespace
}  // namespace mirkit::models
