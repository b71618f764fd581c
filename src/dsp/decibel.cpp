#include "mirkit/dsp/decibel.hpp"

#include <algorithm>
#include <cmath>

namespace mirkit::dsp {

Matrix power_to_db(const Matrix& power, const DecibelOptions& options) {
  const double ref =
      options.ref_is_max && power.size() > 0 ? static_cast<double>(power.maxCoeff()) : options.ref;
  const double offset = 10.0 * std::log10(std::max(options.amin, std::abs(ref)));
  // Eigen's vectorised natural logarithm (its log10 is a scalar call per value), scaled: the
  // error, ~1e-7 relative, is ~1e-5 dB at −100 dB.
  const float db_per_neper = static_cast<float>(10.0 / std::log(10.0));
  Matrix db(power.rows(), power.cols());
  db.array() = power.array().max(static_cast<float>(options.amin)).log() * db_per_neper -
               static_cast<float>(offset);
  if (options.top_db && power.size() > 0) {
    const float largest = options.max_db ? *options.max_db : db.maxCoeff();
    const float floor = largest - static_cast<float>(*options.top_db);
    db = db.cwiseMax(floor);
  }
  return db;
}

DecibelOptions power_options_of_amplitude(DecibelOptions options) {
  options.ref = options.ref_is_max ? 1.0 : options.ref * options.ref;
  options.amin = options.amin * options.amin;
  return options;
}

Matrix amplitude_to_db(const Matrix& amplitude, DecibelOptions options) {
  return power_to_db(amplitude.cwiseAbs2(), power_options_of_amplitude(options));
}

}  // namespace mirkit::dsp
