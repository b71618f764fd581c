#include "mirkit/models/hmm.hpp"

#include <cmath>
#include <limits>

#include "../core/random.hpp"
#include "mirkit/core/error.hpp"
#include "softmax.hpp"

namespace mirkit::models {
namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

double log_add(double a, double b) {
  if (a == kNegInf) return b;
  if (b == kNegInf) return a;
  const double top = std::max(a, b);
  return top + std::log1p(std::exp(-std::abs(a - b)));
}

// log α (frames × states).
dsp::MatrixD forward(const Eigen::VectorXd& log_start, const Eigen::MatrixXd& log_a,
                     const dsp::MatrixD& log_b) {
  const Eigen::Index frames = log_b.rows(), states = log_b.cols();
  dsp::MatrixD alpha(frames, states);
  alpha.row(0) = log_start.transpose() + log_b.row(0);
  for (Eigen::Index t = 1; t < frames; ++t) {
    for (Eigen::Index j = 0; j < states; ++j) {
      double sum = kNegInf;
      for (Eigen::Index i = 0; i < states; ++i)
        sum = log_add(sum, alpha(t - 1, i) + log_a(i, j));
      alpha(t, j) = sum + log_b(t, j);
    }
  }
  return alpha;
}

// log β (frames × states).
dsp::MatrixD backward(const Eigen::MatrixXd& log_a, const dsp::MatrixD& log_b) {
  const Eigen::Index frames = log_b.rows(), states = log_b.cols();
  dsp::MatrixD beta(frames, states);
  beta.row(frames - 1).setZero();
  for (Eigen::Index t = frames - 2; t >= 0; --t) {
    for (Eigen::Index i = 0; i < states; ++i) {
      double sum = kNegInf;
      for (Eigen::Index j = 0; j < states; ++j)
        sum = log_add(sum, log_a(i, j) + log_b(t + 1, j) + beta(t + 1, j));
      beta(t, i) = sum;
    }
  }
  return beta;
}

double row_log_sum(const dsp::MatrixD& m, Eigen::Index row) {
  double sum = kNegInf;
  for (Eigen::Index j = 0; j < m.cols(); ++j)
    sum = log_add(sum, m(row, j));
  return sum;
}

}  // namespace

double forward_log_likelihood(const Eigen::VectorXd& log_start,
                              const Eigen::MatrixXd& log_transition,
                              const dsp::MatrixD& log_emission) {
  if (log_emission.rows() == 0) return 0.0;
  const dsp::MatrixD alpha = forward(log_start, log_transition, log_emission);
  return row_log_sum(alpha, alpha.rows() - 1);
}

ViterbiPath viterbi(const Eigen::VectorXd& log_start, const Eigen::MatrixXd& log_transition,
                    const dsp::MatrixD& log_emission) {
  ViterbiPath path;
  const Eigen::Index frames = log_emission.rows(), states = log_emission.cols();
  if (frames == 0) return path;
  dsp::MatrixD delta(frames, states);
  Eigen::Matrix<int, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> from(frames, states);
  delta.row(0) = log_start.transpose() + log_emission.row(0);
  for (Eigen::Index t = 1; t < frames; ++t) {
    for (Eigen::Index j = 0; j < states; ++j) {
      Eigen::Index best = 0;
      double best_value = delta(t - 1, 0) + log_transition(0, j);
      for (Eigen::Index i = 1; i < states; ++i) {
        const double v = delta(t - 1, i) + log_transition(i, j);
        if (v > best_value) {
          best_value = v;
          best = i;
        }
      }
      delta(t, j) = best_value + log_emission(t, j);
      from(t, j) = static_cast<int>(best);
    }
  }
  Eigen::Index state = 0;
  path.log_probability = delta.row(frames - 1).maxCoeff(&state);
  path.states.resize(static_cast<std::size_t>(frames));
  for (Eigen::Index t = frames - 1; t >= 0; --t) {
    path.states[static_cast<std::size_t>(t)] = static_cast<int>(state);
    if (t > 0) state = from(t, state);
  }
  return path;
}

GaussianHmm::GaussianHmm(HmmOptions options) : options_(std::move(options)) {
  if (options_.states < 1 || options_.mixtures < 1) {
    throw usage_error("hmm: needs at least one state and one mixture component");
  }
  if (options_.topology != "ergodic" && options_.topology != "left_to_right") {
    throw usage_error("hmm: topology must be ergodic or left_to_right");
  }
}

dsp::MatrixD GaussianHmm::log_emission(const dsp::MatrixD& frames) const {
  dsp::MatrixD out(frames.rows(), static_cast<Eigen::Index>(emissions_.size()));
  for (std::size_t s = 0; s < emissions_.size(); ++s)
    out.col(static_cast<Eigen::Index>(s)) = emissions_[s].log_likelihood(frames);
  return out;
}

double GaussianHmm::log_likelihood(const dsp::MatrixD& frames) const {
  if (emissions_.empty()) throw usage_error("hmm: not trained");
  return forward_log_likelihood(log_start_, log_transition_, log_emission(frames));
}

ViterbiPath GaussianHmm::decode(const dsp::MatrixD& frames) const {
  if (emissions_.empty()) throw usage_error("hmm: not trained");
  return viterbi(log_start_, log_transition_, log_emission(frames));
}

std::vector<int> GaussianHmm::initial_states(const std::vector<const dsp::MatrixD*>& sequences,
                                             const dsp::MatrixD& stacked,
                                             std::uint64_t seed) const {
  const int states = options_.states;
  const Eigen::Index total = stacked.rows();
  std::vector<int> assignment(static_cast<std::size_t>(total));
  if (options_.topology == "left_to_right") {
    Eigen::Index row = 0;
    for (const dsp::MatrixD* s : sequences) {
      for (Eigen::Index t = 0; t < s->rows(); ++t)
        assignment[static_cast<std::size_t>(row + t)] = static_cast<int>(t * states / s->rows());
      row += s->rows();
    }
    return assignment;
  }
  GaussianMixtureOptions clustering;
  clustering.components = states;
  clustering.reg_covar = options_.reg_covar;
  GaussianMixture k_means(clustering);
  k_means.initialise(stacked, derive_seed(seed, 0));
  // Hard assignment by the nearest initial mean (k-means' own result).
  for (Eigen::Index i = 0; i < total; ++i) {
    Eigen::Index best = 0;
    (k_means.means().rowwise() - stacked.row(i)).rowwise().squaredNorm().minCoeff(&best);
    assignment[static_cast<std::size_t>(i)] = static_cast<int>(best);
  }
  return assignment;
}

void GaussianHmm::initialise_emissions(const dsp::MatrixD& stacked,
                                       const std::vector<int>& assignment, std::uint64_t seed) {
  const int states = options_.states;
  const Eigen::Index total = stacked.rows();
  GaussianMixtureOptions emission_options;
  emission_options.components = options_.mixtures;
  emission_options.covariance = options_.covariance;
  emission_options.reg_covar = options_.reg_covar;
  emissions_.assign(static_cast<std::size_t>(states), GaussianMixture(emission_options));
  for (int s = 0; s < states; ++s) {
    std::vector<int> rows;
    for (Eigen::Index i = 0; i < total; ++i)
      if (assignment[static_cast<std::size_t>(i)] == s) rows.push_back(static_cast<int>(i));
    // A state no frame went to starts from all frames (EM then moves it).
    dsp::MatrixD own(static_cast<Eigen::Index>(rows.empty() ? total : rows.size()), stacked.cols());
    if (rows.empty()) {
      own = stacked;
    } else {
      for (std::size_t r = 0; r < rows.size(); ++r)
        own.row(static_cast<Eigen::Index>(r)) = stacked.row(rows[r]);
    }
    emissions_[static_cast<std::size_t>(s)].initialise(
        own, derive_seed(seed, static_cast<std::uint64_t>(s) + 1));
  }
}

void GaussianHmm::initialise_transitions() {
  const int states = options_.states;
  Eigen::MatrixXd transition = Eigen::MatrixXd::Zero(states, states);
  Eigen::VectorXd start = Eigen::VectorXd::Zero(states);
  if (options_.topology == "left_to_right") {
    start[0] = 1;
    for (int i = 0; i < states; ++i) {
      transition(i, i) = i + 1 < states ? 0.5 : 1.0;
      if (i + 1 < states) transition(i, i + 1) = 0.5;
    }
  } else {
    start.setConstant(1.0 / states);
    transition.setConstant(states > 1 ? 0.5 / (states - 1) : 1.0);
    if (states > 1) transition.diagonal().setConstant(0.5);
  }
  log_start_ = start.array().log();
  log_transition_ = transition.array().log();
}

double GaussianHmm::expectation(const std::vector<const dsp::MatrixD*>& sequences,
                                dsp::MatrixD& gamma, Eigen::VectorXd& start_sum,
                                Eigen::MatrixXd& transition_sum) const {
  const int states = options_.states;
  double log_likelihood = 0;
  Eigen::Index row = 0;
  for (const dsp::MatrixD* s : sequences) {
    const dsp::MatrixD log_b = log_emission(*s);
    const dsp::MatrixD alpha = forward(log_start_, log_transition_, log_b);
    const dsp::MatrixD beta = backward(log_transition_, log_b);
    const Eigen::Index frames = s->rows();
    const double ll = row_log_sum(alpha, frames - 1);
    log_likelihood += ll;
    for (Eigen::Index t = 0; t < frames; ++t)
      gamma.row(row + t) = (alpha.row(t) + beta.row(t)).array() - ll;
    gamma.middleRows(row, frames) = gamma.middleRows(row, frames).array().exp().matrix();
    start_sum += gamma.row(row).transpose();
    // ξ_t(i, j) ∝ α_t(i) a_ij b_j(x_{t+1}) β_{t+1}(j), summed over t.
    for (Eigen::Index t = 0; t + 1 < frames; ++t)
      for (int i = 0; i < states; ++i)
        for (int j = 0; j < states; ++j)
          transition_sum(i, j) +=
              std::exp(alpha(t, i) + log_transition_(i, j) + log_b(t + 1, j) + beta(t + 1, j) - ll);
    row += frames;
  }
  return log_likelihood;
}

void GaussianHmm::maximisation(const dsp::MatrixD& stacked, const dsp::MatrixD& gamma,
                               const Eigen::VectorXd& start_sum,
                               const Eigen::MatrixXd& transition_sum) {
  const int states = options_.states;
  const Eigen::Index total = stacked.rows();
  log_start_ = (start_sum / start_sum.sum()).array().log();
  for (int i = 0; i < states; ++i) {
    const double out = transition_sum.row(i).sum();
    if (out > 0) log_transition_.row(i) = (transition_sum.row(i) / out).array().log();
  }
  for (int s = 0; s < states; ++s) {
    GaussianMixture& emission = emissions_[static_cast<std::size_t>(s)];
    // Each frame's share of state s, split over the state's components by their posterior.
    const dsp::MatrixD component = emission.component_log_density(stacked).rowwise() +
                                   emission.weights().array().log().matrix().transpose();
    dsp::MatrixD resp(total, component.cols());
    for (Eigen::Index i = 0; i < total; ++i)
      resp.row(i) = softmax(component.row(i)) * gamma(i, s);
    emission.maximise(stacked, resp);
  }
}

void GaussianHmm::fit(const std::vector<dsp::MatrixD>& all_sequences, std::uint64_t seed) {
  std::vector<const dsp::MatrixD*> sequences;
  Eigen::Index total = 0;
  for (const dsp::MatrixD& s : all_sequences) {
    if (s.rows() == 0) continue;
    sequences.push_back(&s);
    total += s.rows();
  }
  if (sequences.empty()) throw usage_error("hmm: no frames to train on");
  dsp::MatrixD stacked(total, sequences.front()->cols());
  Eigen::Index row = 0;
  for (const dsp::MatrixD* s : sequences) {
    stacked.middleRows(row, s->rows()) = *s;
    row += s->rows();
  }
  initialise_emissions(stacked, initial_states(sequences, stacked, seed), seed);
  initialise_transitions();

  const int states = options_.states;
  double previous = kNegInf;
  iterations_ = 0;
  for (int iteration = 0; iteration < options_.max_iterations; ++iteration) {
    Eigen::VectorXd start_sum = Eigen::VectorXd::Zero(states);
    Eigen::MatrixXd transition_sum = Eigen::MatrixXd::Zero(states, states);
    dsp::MatrixD gamma(total, states);  // state posteriors of every frame
    const double mean =
        expectation(sequences, gamma, start_sum, transition_sum) / static_cast<double>(total);
    iterations_ = iteration + 1;
    if (std::abs(mean - previous) < options_.tolerance) break;
    previous = mean;
    maximisation(stacked, gamma, start_sum, transition_sum);
  }
}

void GaussianHmm::save(ModelState& state) const {
  put_vector(
      state, "start",
      std::span<const double>(log_start_.data(), static_cast<std::size_t>(log_start_.size())));
  put_matrix(state, "transition", log_transition_);
  for (std::size_t s = 0; s < emissions_.size(); ++s) {
    ModelState emission;
    emissions_[s].save(emission);
    put_child(state, "state" + std::to_string(s), emission);
  }
}

void GaussianHmm::load(const ModelState& state) {
  const std::vector<double> start = get_vector(state, "start");
  if (start.empty()) throw state_error("tensor 'start' is empty");
  const auto states = static_cast<Eigen::Index>(start.size());
  log_start_ = Eigen::Map<const Eigen::VectorXd>(start.data(), states);
  log_transition_ = get_matrix(state, "transition", states, states);
  emissions_.clear();
  for (Eigen::Index s = 0; s < states; ++s) {
    GaussianMixture emission;
    emission.load(get_child(state, "state" + std::to_string(s)));
    if (s > 0 && emission.dims() != emissions_.front().dims()) {
      throw state_error("hmm: emissions differ in dimensions");
    }
    emissions_.push_back(std::move(emission));
  }
  options_.states = static_cast<int>(states);
}

}  // namespace mirkit::models
