// Test signals made on the spot: tones and sweeps with known content.
#pragma once

#include <vector>

namespace mirkit::test {

// amplitude · sin(2π f n / rate + phase), n < samples, computed in double.
std::vector<float> sine(double frequency, int rate, std::size_t samples, double amplitude = 0.5,
                        double phase = 0.0);

// Exponential sweep from f0 to f1 Hz over `samples` samples (the golden signals' formula):
// amplitude · sin(2π f0 (e^{kt} − 1)/k), k = ln(f1/f0)/T.
std::vector<float> log_sweep(double f0, double f1, int rate, std::size_t samples,
                             double amplitude = 0.5);

// Least-squares fit of a·cos + b·sin at `frequency` to x[begin, end): the tone's amplitude and
// the RMS of what is left (everything that is not that tone).
struct ToneFit {
  double amplitude;
  double residual_rms;
};
ToneFit fit_tone(const std::vector<float>& x, double frequency, int rate, std::size_t begin,
                 std::size_t end);

double rms(const std::vector<float>& x, std::size_t begin, std::size_t end);

}  // namespace mirkit::test
