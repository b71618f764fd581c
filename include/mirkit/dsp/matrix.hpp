// The time–frequency layers' matrices: core's (core/matrix.hpp), by their dsp:: names.
#pragma once

#include "mirkit/core/matrix.hpp"

namespace mirkit::dsp {

using mirkit::ComplexMatrix;
using mirkit::Matrix;
using mirkit::MatrixD;
using mirkit::Vector;

}  // namespace mirkit::dsp
