#include "mirkit/features/pooling.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <random>

#include "mirkit/core/error.hpp"
#include "support/temp_dir.hpp"

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

// Percentiles are read from order statistics selected, not from a full sort: several at once,
// on columns with ties, of every length up to 40, equal numpy.percentile (linear) computed from
// a sorted copy — exactly, as both take the same two values and the same interpolation.
TEST(Pooling, PercentilesEqualThoseOfASortedColumn) {
  std::mt19937 rng(31);
  std::uniform_int_distribution<int> value(-20, 20);  // small range: many ties
  const std::vector<double> ps = {0, 10, 25, 50, 50, 90, 99, 100};
  const auto statistics = stats({"p0", "p10", "p25", "median", "p50", "p90", "p99", "p100"});
  for (Eigen::Index n = 1; n <= 40; ++n) {
    dsp::Matrix x(n, 3);
    for (Eigen::Index i = 0; i < x.size(); ++i)
      x.data()[i] = static_cast<float>(value(rng)) * 0.5f;
    const std::vector<float> ours = pool(x, statistics);
    for (Eigen::Index d = 0; d < 3; ++d) {
      std::vector<double> sorted;
      for (Eigen::Index f = 0; f < n; ++f)
        sorted.push_back(x(f, d));
      std::sort(sorted.begin(), sorted.end());
      for (std::size_t s = 0; s < ps.size(); ++s) {
        const double rank = ps[s] / 100.0 * static_cast<double>(n - 1);
        const auto lo = static_cast<std::size_t>(std::floor(rank));
        const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
        const double expected =
            sorted[lo] + (rank - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
        EXPECT_EQ(ours[s * 3 + static_cast<std::size_t>(d)], static_cast<float>(expected))
            << "n " << n << " column " << d << " p" << ps[s];
      }
    }
  }
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

// Random frames in uneven blocks, with a column of wide range and offset (the mean far from
// zero tests the moment merge's cancellation) and a constant one.
dsp::Matrix test_frames(Eigen::Index rows) {
  std::mt19937 rng(11);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  dsp::Matrix frames(rows, 4);
  for (Eigen::Index r = 0; r < rows; ++r) {
    frames(r, 0) = normal(rng);
    frames(r, 1) = 1000.0f + 50.0f * normal(rng) * normal(rng);  // heavy-tailed, offset
    frames(r, 2) = std::exp(normal(rng));                        // skewed
    frames(r, 3) = -3.5f;
  }
  return frames;
}

TEST(PoolAccumulator, MergedBlocksGiveTheStatisticsOfTheWhole) {
  std::vector<Statistic> statistics;
  for (const char* name : {"mean", "std", "var", "min", "max", "median", "skew", "kurtosis", "p10",
                           "p90", "p0", "p100"})
    statistics.push_back(parse_statistic(name));
  const dsp::Matrix frames = test_frames(10007);
  const std::vector<float> whole = pool(frames, statistics);
  for (const Eigen::Index block : {Eigen::Index{1}, Eigen::Index{97}, Eigen::Index{4096}}) {
    SCOPED_TRACE(block);
    PoolAccumulator accumulator(frames.cols(), statistics);
    for (Eigen::Index start = 0; start < frames.rows(); start += block)
      accumulator.add(frames.middleRows(start, std::min(block, frames.rows() - start)));
    const std::vector<float> merged = accumulator.result();
    ASSERT_EQ(merged.size(), whole.size());
    for (std::size_t i = 0; i < whole.size(); ++i) {
      const Statistic& statistic = statistics[i / 4];
      if (statistic.kind == Statistic::Kind::median ||
          statistic.kind == Statistic::Kind::percentile || statistic.kind == Statistic::Kind::min ||
          statistic.kind == Statistic::Kind::max) {
        EXPECT_EQ(merged[i], whole[i]) << statistic.name << " is exact: the same selection";
      } else {
        // Merged and two-pass moments agree to double rounding (~1e-13 relative here), which
        // the float result hides but for a last bit.
        EXPECT_NEAR(merged[i], whole[i], 2e-6 * std::max(1.0f, std::abs(whole[i])))
            << statistic.name << " of column " << i % 4;
      }
    }
  }
}

TEST(PoolAccumulator, PercentilesSpillIntoTmpdirAndLeaveNothingThere) {
  const std::vector<Statistic> statistics = {parse_statistic("median")};
  test::TempDir dir;
  ASSERT_EQ(setenv("TMPDIR", dir.path().c_str(), 1), 0);
  {
    PoolAccumulator accumulator(4, statistics);
    accumulator.add(test_frames(100));
    EXPECT_EQ(accumulator.result(), pool(test_frames(100), statistics));
    EXPECT_TRUE(std::filesystem::is_empty(dir.path())) << "the file is unlinked at once";
  }
  ASSERT_EQ(setenv("TMPDIR", (dir / "missing").c_str(), 1), 0);
  try {
    PoolAccumulator accumulator(4, statistics);
    FAIL() << "no temporary file can be made in a missing folder";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("missing"), std::string::npos) << error.what();
  }
  unsetenv("TMPDIR");
}

TEST(PoolAccumulator, NothingAddedGivesZerosAsPoolDoes) {
  const std::vector<Statistic> statistics = {parse_statistic("mean"), parse_statistic("median")};
  PoolAccumulator accumulator(3, statistics);
  EXPECT_EQ(accumulator.result(), pool(dsp::Matrix(0, 3), statistics));
}

TEST(Pooling, RejectsUnknownStatistics) {
  EXPECT_THROW(parse_statistic("avg"), Error);
  EXPECT_THROW(parse_statistic("p101"), Error);
  EXPECT_EQ(parse_statistic("p99.5").percentile, 99.5);
}

}  // namespace
}  // namespace mirkit::features
