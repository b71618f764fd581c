#include "mirkit/features/pooling.hpp"

#include <gtest/gtest.h>

#include "mirkit/core/error.hpp"

namespace mirkit::features {
namespace {

std::vector<Statistic> stats(std::initializer_list<const char*> names) {
  std::vector<Statistic> out;
  for (const char* name : names)
    out.push_back(parse_statistic(name));
  return out;
}

TEST(Pooling, ComputesEachStatisticLikeNumpyAndScipy) {
  dsp::Matrix x(5, 1);
  x << 1, 2, 3, 4, 10;
  const auto v =
      pool(x, stats({"mean", "std", "var", "min", "max", "median", "p25", "skew", "kurtosis"}));
  EXPECT_FLOAT_EQ(v[0], 4.0f);
  EXPECT_FLOAT_EQ(v[2], 10.0f);  // ddof 0: (9 + 4 + 1 + 0 + 36) / 5
  EXPECT_FLOAT_EQ(v[1], std::sqrt(10.0f));
  EXPECT_FLOAT_EQ(v[3], 1.0f);
  EXPECT_FLOAT_EQ(v[4], 10.0f);
  EXPECT_FLOAT_EQ(v[5], 3.0f);
  EXPECT_FLOAT_EQ(v[6], 2.0f);  // numpy.percentile([1,2,3,4,10], 25) = 2
  // scipy.stats.skew / kurtosis (biased): m3 = (−27 − 8 − 1 + 0 + 216)/5 = 36, m4 =
  // (81+16+1+0+1296)/5
  EXPECT_NEAR(v[7], 36.0 / std::pow(10.0, 1.5), 1e-5);
  EXPECT_NEAR(v[8], (1394.0 / 5) / 100.0 - 3.0, 1e-5);
}

TEST(Pooling, IsStatisticMajor) {
  dsp::Matrix x(2, 2);
  x << 1, 10, 3, 30;
  EXPECT_EQ(pool(x, stats({"mean", "max"})), (std::vector<float>{2, 20, 3, 30}));
  EXPECT_EQ(pooled_names({"a", "b"}, stats({"mean", "max"})),
            (std::vector<std::string>{"a_mean", "b_mean", "a_max", "b_max"}));
}

TEST(Pooling, ConstantInputHasZeroSkewAndKurtosis) {
  const auto v = pool(dsp::Matrix::Constant(7, 1, 0.25f), stats({"skew", "kurtosis", "std"}));
  EXPECT_EQ(v, (std::vector<float>{0, 0, 0}));
}

TEST(Pooling, RejectsUnknownStatistics) {
  EXPECT_THROW(parse_statistic("avg"), Error);
  EXPECT_THROW(parse_statistic("p101"), Error);
  EXPECT_EQ(parse_statistic("p99.5").percentile, 99.5);
}

}  // namespace
}  // namespace mirkit::features
