#include "augment.hpp"

#include <cmath>
#include <numeric>

#include "../../core/random.hpp"

namespace mirkit::nn::train {
namespace {

double between(Random& random, double low, double high) {
  return low + (high - low) * random.uniform();
}

// A uniform whole number in [0, n].
Eigen::Index up_to(Random& random, Eigen::Index n) {
  return static_cast<Eigen::Index>(random.index(static_cast<std::size_t>(n) + 1));
}

// Gamma(α, 1) by Marsaglia & Tsang (2000); α < 1 through Gamma(α + 1) · U^(1/α).
double gamma_draw(Random& random, double alpha) {
  if (alpha < 1.0) return gamma_draw(random, alpha + 1.0) * std::pow(random.uniform(), 1.0 / alpha);
  const double d = alpha - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x, v;
    do {
      x = random.normal();
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = random.uniform();
    if (std::log(u) < 0.5 * x * x + d - d * v + d * std::log(v)) return d * v;
  }
}

}  // namespace

double beta_draw(Random& random, double alpha) {
  const double a = gamma_draw(random, alpha), b = gamma_draw(random, alpha);
  return a / (a + b);
}

Mixup mix_up(double alpha, MatrixMap inputs, Eigen::Ref<Matrix> targets, Random& random) {
  Mixup mix;
  mix.lambda = static_cast<float>(beta_draw(random, alpha));
  mix.partner.resize(static_cast<std::size_t>(inputs.rows()));
  std::iota(mix.partner.begin(), mix.partner.end(), 0);
  random.shuffle(mix.partner);
  const Matrix x = inputs, y = targets;
  const float lambda = mix.lambda;
  for (Eigen::Index i = 0; i < inputs.rows(); ++i) {
    const auto j = static_cast<Eigen::Index>(mix.partner[static_cast<std::size_t>(i)]);
    inputs.row(i) = lambda * x.row(i) + (1 - lambda) * x.row(j);
    targets.row(i) = lambda * y.row(i) + (1 - lambda) * y.row(j);
  }
  return mix;
}

bool PatchAugmentation::any() const {
  return time_masks > 0 || freq_masks > 0 || gain_probability > 0 || noise_probability > 0 ||
         max_shift > 0;
}

void augment_patch(const PatchAugmentation& o, Eigen::Ref<Matrix> patch, Random& random) {
  const Eigen::Index frames = patch.rows(), bins = patch.cols();
  if (o.max_shift > 0 && frames > 1) {
    const Eigen::Index limit = std::min<Eigen::Index>(o.max_shift, frames - 1);
    const Eigen::Index shift = up_to(random, 2 * limit) - limit;
    if (shift != 0) {
      const Matrix copy = patch;
      for (Eigen::Index f = 0; f < frames; ++f)
        patch.row((f + shift + frames) % frames) = copy.row(f);
    }
  }
  if (o.gain_probability > 0 && random.uniform() < o.gain_probability) {
    patch.array() += static_cast<float>(between(random, o.gain_low, o.gain_high));
  }
  if (o.noise_probability > 0 && random.uniform() < o.noise_probability) {
    const double snr = between(random, o.snr_low, o.snr_high);
    double mean_power = 0.0;
    for (Eigen::Index f = 0; f < frames; ++f)
      for (Eigen::Index b = 0; b < bins; ++b)
        mean_power += std::pow(10.0, patch(f, b) / 10.0);
    mean_power /= static_cast<double>(frames * bins);
    const double noise_power = mean_power / std::pow(10.0, snr / 10.0);
    for (Eigen::Index f = 0; f < frames; ++f) {
      for (Eigen::Index b = 0; b < bins; ++b) {
        const double draw = -std::log(1.0 - random.uniform());  // exponential, mean 1
        const double power = std::pow(10.0, patch(f, b) / 10.0) + noise_power * draw;
        patch(f, b) = static_cast<float>(10.0 * std::log10(std::max(power, 1e-10)));
      }
    }
  }
  if (o.time_masks > 0 || o.freq_masks > 0) {
    const float fill = patch.mean();
    for (int m = 0; m < o.time_masks; ++m) {
      const Eigen::Index width = std::min<Eigen::Index>(up_to(random, o.time_width), frames);
      const Eigen::Index start = up_to(random, frames - width);
      patch.middleRows(start, width).setConstant(fill);
    }
    for (int m = 0; m < o.freq_masks; ++m) {
      const Eigen::Index width = std::min<Eigen::Index>(up_to(random, o.freq_width), bins);
      const Eigen::Index start = up_to(random, bins - width);
      patch.middleCols(start, width).setConstant(fill);
    }
  }
}

}  // namespace mirkit::nn::train
