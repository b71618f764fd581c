// Internal: the augmentations applied to one training patch (frames × bins of a log-mel
// spectrogram in dB) as it is drawn, each switched on by the recipe's "augment" section and
// drawn from the micro-batch's random stream, so a seed gives the same patches on any -j.
// Mixup, which pairs patches, lives in the trainer; pitch shift and time stretch, which need the
// waveform, make extra clips before training (pipeline/network_training.cpp).
#pragma once

#include <cstdint>
#include <vector>

#include "mirkit/core/json.hpp"
#include "mirkit/nn/tensor.hpp"

namespace mirkit {
class Random;
}

namespace mirkit::nn::train {

struct PatchAugmentation {
  // SpecAugment (Park et al. 2019): masks of up to `time_width` frames / `freq_width` bins set
  // to the patch's mean.
  int time_masks = 0, time_width = 0;
  int freq_masks = 0, freq_width = 0;
  // Random gain: with probability gain_probability, a uniform dB offset in [gain_low, gain_high]
  // (in dB a gain is an addition).
  double gain_probability = 0.0, gain_low = 0.0, gain_high = 0.0;
  // White noise at a uniform SNR in [snr_low, snr_high] dB relative to the patch's mean power,
  // added in the power domain (a Slaney-normalised mel filterbank maps white noise to a flat
  // spectrum; each value gets an exponential draw, the power of a noise periodogram bin).
  double noise_probability = 0.0, snr_low = 0.0, snr_high = 0.0;
  // Circular shift in time by a uniform whole number of frames in [−max_shift, max_shift].
  int max_shift = 0;

  bool any() const;
};

// In place, in the order: shift, gain, noise, masks.
void augment_patch(const PatchAugmentation& options, Eigen::Ref<Matrix> patch, Random& random);

// Mixup (Zhang et al. 2018) over one micro-batch, in place: one weight λ ~ Beta(α, α), partners a
// random permutation, and row i of the inputs and of the targets becomes λ·row_i + (1 − λ)·row_j
// for its partner j. Returns λ and the partners.
struct Mixup {
  float lambda = 1.0f;
  std::vector<std::int64_t> partner;
};
Mixup mix_up(double alpha, MatrixMap inputs, Eigen::Ref<Matrix> targets, Random& random);

// Beta(α, α) from two Gamma(α, 1) draws (Marsaglia & Tsang 2000).
double beta_draw(Random& random, double alpha);

}  // namespace mirkit::nn::train
