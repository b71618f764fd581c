#include "mirkit/dsp/decibel.hpp"

#include <algorithm>
#include <cmath>

namespace mirkit::dsp {

Matrix power_to_db(const Matrix& power, const DecibelOptions& options) {
  const double ref =
      options.ref_is_max && power.size() > 0 ? static_cast<double>(power.maxCoeff()) : options.ref;
  const double offset = 10.0 * std::log10(std::max(options.amin, std::abs(ref)));
  Matrix db(power.rows(), power.cols());
  double top = -INFINITY;
  for (Eigen::Index i = 0; i < power.size(); ++i) {
    const double value =
        10.0 * std::log10(std::max(options.amin, static_cast<double>(power.data()[i]))) - offset;
    db.data()[i] = static_cast<float>(value);
    top = std::max(top, value);
  }
  if (options.top_db && power.size() > 0) {
    const auto floor = static_cast<float>(top - *options.top_db);
    db = db.cwiseMax(floor);
  }
  return db;
}

Matrix amplitude_to_db(const Matrix& amplitude, DecibelOptions options) {
  Matrix power = amplitude.cwiseAbs2();
  options.ref = options.ref_is_max ? 1.0 : options.ref * options.ref;
  options.amin = options.amin * options.amin;
  return power_to_db(power, options);
}

}  // namespace mirkit::dsp
