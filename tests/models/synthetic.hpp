// Synthetic classification data for the model tests.
#pragma once

#include <cstdint>
#include <vector>

#include "mirkit/dsp/matrix.hpp"

namespace mirkit::test {

struct Dataset {
  dsp::Matrix x;  // items × dims
  std::vector<int> labels;
  int classes = 0;
};

// Gaussian blobs: class c centred at a random point with coordinates in ±separation, unit
// variance around it, items dealt to classes in turn.
Dataset make_blobs(int items, int dims, int classes, double separation, std::uint64_t seed);

// Rows [begin, end) of a data set.
Dataset slice(const Dataset& data, int begin, int end);

// Fraction of rows whose most probable class is the label.
double accuracy(const dsp::Matrix& proba, const std::vector<int>& labels);

}  // namespace mirkit::test
