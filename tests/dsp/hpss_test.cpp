// The vectorised median filter of HPSS against the plain one it replaces.
#include "mirkit/dsp/hpss.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "mirkit/core/error.hpp"

namespace mirkit::dsp {
namespace {

// Line by line with the scalar sorted-window filter.
Matrix plain_median(const Matrix& x, int kernel, MedianAxis axis) {
  Matrix out(x.rows(), x.cols());
  if (axis == MedianAxis::columns) {
    for (Eigen::Index c = 0; c < x.cols(); ++c) {
      median_filter_line(x.data() + c, static_cast<std::size_t>(x.rows()), x.cols(), kernel,
                         out.data() + c, x.cols());
    }
  } else {
    for (Eigen::Index r = 0; r < x.rows(); ++r) {
      median_filter_line(x.row(r).data(), static_cast<std::size_t>(x.cols()), 1, kernel,
                         out.row(r).data(), 1);
    }
  }
  return out;
}

TEST(MedianFilter, BitIdenticalToThePlainMedianAlongColumnsAndRows) {
  std::mt19937 random(7);
  std::uniform_int_distribution<int> level(0, 9);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  // Columns that fill the vector lanes and columns that do not; columns shorter than the
  // kernel (reflected several times); ties (a few levels), zeros, negative values.
  for (const auto& [rows, cols] :
       std::vector<std::pair<int, int>>{{1292, 37}, {40, 8}, {7, 3}, {1, 9}, {31, 16}, {100, 1}}) {
    for (const int kernel : {1, 3, 17, 31, 33}) {
      Matrix x(rows, cols);
      for (Eigen::Index i = 0; i < x.size(); ++i)
        x.data()[i] = (i % 3 == 0) ? static_cast<float>(level(random)) : noise(random);
      SCOPED_TRACE(std::to_string(rows) + "×" + std::to_string(cols) + ", kernel " +
                   std::to_string(kernel));
      for (const MedianAxis axis : {MedianAxis::columns, MedianAxis::rows}) {
        const Matrix fast = median_filter(x, kernel, axis);
        const Matrix plain = plain_median(x, kernel, axis);
        ASSERT_EQ(std::memcmp(fast.data(), plain.data(), sizeof(float) * x.size()), 0)
            << (axis == MedianAxis::columns ? "columns" : "rows");
      }
    }
  }
  EXPECT_THROW(median_filter(Matrix::Zero(4, 4), 4, MedianAxis::rows), Error);
}

}  // namespace
}  // namespace mirkit::dsp
