// Hidden Markov models with Gaussian or Gaussian-mixture emissions (Rabiner 1989), computed in
// log space throughout so that long sequences do not underflow.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mirkit/dsp/matrix.hpp"
#include "mirkit/models/gaussian_mixture.hpp"
#include "mirkit/models/model_state.hpp"

namespace mirkit::models {

// The algorithms on explicit parameters: log_start (states), log_transition (states × states,
// row = from), log_emission (frames × states: log p(x_t | state)). −inf entries are allowed
// (forbidden transitions).

// log p(x_1..T) by the forward recursion (Rabiner 1989, eq. 19–21); 0 for no frames.
double forward_log_likelihood(const Eigen::VectorXd& log_start,
                              const Eigen::MatrixXd& log_transition,
                              const dsp::MatrixD& log_emission);

struct ViterbiPath {
  std::vector<int> states;  // one per frame
  double log_probability = 0;
};
// The most probable state path (Rabiner 1989, eq. 30–35); ties go to the lower state index.
ViterbiPath viterbi(const Eigen::VectorXd& log_start, const Eigen::MatrixXd& log_transition,
                    const dsp::MatrixD& log_emission);

struct HmmOptions {
  int states = 3;
  int mixtures = 1;  // Gaussians per state: 1 is a Gaussian HMM
  Covariance covariance = Covariance::diagonal;
  // ergodic: every transition allowed, states initialised by k-means over all frames;
  // left_to_right: stay or move to the next state, states initialised by cutting each sequence
  // into equal parts (a flat start).
  std::string topology = "ergodic";
  int max_iterations = 20;
  double tolerance = 1e-3;  // on the mean log-likelihood per frame
  double reg_covar = 1e-3;
};

class GaussianHmm {
 public:
  explicit GaussianHmm(HmmOptions options = {});

  // Baum–Welch (Rabiner 1989, eq. 40 and 52–54) over all sequences of one class. Sequences with
  // no frames are ignored.
  void fit(const std::vector<dsp::MatrixD>& sequences, std::uint64_t seed);

  double log_likelihood(const dsp::MatrixD& frames) const;
  ViterbiPath decode(const dsp::MatrixD& frames) const;
  dsp::MatrixD log_emission(const dsp::MatrixD& frames) const;  // frames × states

  const Eigen::VectorXd& log_start() const { return log_start_; }
  const Eigen::MatrixXd& log_transition() const { return log_transition_; }
  const std::vector<GaussianMixture>& emissions() const { return emissions_; }
  int iterations() const { return iterations_; }

  // Tensors "start", "transition" (log probabilities) and "state<i>.*" for the emissions.
  void save(ModelState& state) const;
  void load(const ModelState& state);

 private:
  // The steps of fit: each frame's first state (by position for left-to-right, by k-means
  // otherwise), each state's emissions fitted to its frames, the first start and transition
  // probabilities of the topology; then one Baum–Welch expectation (state posteriors `gamma` of
  // every frame and the expected counts; returns the log-likelihood) and the maximisation.
  std::vector<int> initial_states(const std::vector<const dsp::MatrixD*>& sequences,
                                  const dsp::MatrixD& stacked, std::uint64_t seed) const;
  void initialise_emissions(const dsp::MatrixD& stacked, const std::vector<int>& assignment,
                            std::uint64_t seed);
  void initialise_transitions();
  double expectation(const std::vector<const dsp::MatrixD*>& sequences, dsp::MatrixD& gamma,
                     Eigen::VectorXd& start_sum, Eigen::MatrixXd& transition_sum) const;
  void maximisation(const dsp::MatrixD& stacked, const dsp::MatrixD& gamma,
                    const Eigen::VectorXd& start_sum, const Eigen::MatrixXd& transition_sum);

  HmmOptions options_;
  Eigen::VectorXd log_start_;
  Eigen::MatrixXd log_transition_;
  std::vector<GaussianMixture> emissions_;
  int iterations_ = 0;
};

}  // namespace mirkit::models
