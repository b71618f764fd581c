#include "support/spectrum.hpp"

#include <fftw3.h>

#include <cmath>
#include <complex>
#include <numbers>
#include <stdexcept>

namespace mirkit::test {

double band_limited_snr_db(const std::vector<float>& reference, const std::vector<float>& x,
                           int rate, double max_frequency) {
  if (reference.size() != x.size()) throw std::runtime_error("length mismatch");
  const int n = static_cast<int>(x.size());
  std::vector<float> in(static_cast<std::size_t>(n));
  std::vector<std::complex<float>> ref_spectrum(static_cast<std::size_t>(n / 2 + 1));
  std::vector<std::complex<float>> err_spectrum(ref_spectrum.size());
  auto transform = [&](auto sample, std::vector<std::complex<float>>& out) {
    for (int i = 0; i < n; ++i) {
      const double w = 0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * i / n);
      in[static_cast<std::size_t>(i)] = static_cast<float>(w * sample(i));
    }
    fftwf_plan plan = fftwf_plan_dft_r2c_1d(
        n, in.data(), reinterpret_cast<fftwf_complex*>(out.data()), FFTW_ESTIMATE);
    fftwf_execute(plan);
    fftwf_destroy_plan(plan);
  };
  transform([&](int i) { return static_cast<double>(reference[static_cast<std::size_t>(i)]); },
            ref_spectrum);
  transform(
      [&](int i) {
        return static_cast<double>(reference[static_cast<std::size_t>(i)]) -
               x[static_cast<std::size_t>(i)];
      },
      err_spectrum);
  double signal = 0, error = 0;
  for (std::size_t k = 0; k < ref_spectrum.size(); ++k) {
    if (static_cast<double>(k) * rate / n >= max_frequency) break;
    signal += std::norm(std::complex<double>(ref_spectrum[k]));
    error += std::norm(std::complex<double>(err_spectrum[k]));
  }
  return 10.0 * std::log10(signal / error);
}

}  // namespace mirkit::test
