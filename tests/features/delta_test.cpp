#include "mirkit/features/delta.hpp"

#include <gtest/gtest.h>

#include <random>

namespace mirkit::features {
namespace {

dsp::Matrix random_frames(Eigen::Index rows, Eigen::Index cols) {
  std::mt19937 rng(3);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  dsp::Matrix frames(rows, cols);
  for (Eigen::Index i = 0; i < frames.size(); ++i)
    frames.data()[i] = normal(rng);
  return frames;
}

// What a DeltaStream gives for `frames` pushed in blocks of `block` rows.
dsp::Matrix streamed(const dsp::Matrix& frames, Eigen::Index block, int orders, int width) {
  DeltaStream stream(orders, width);
  std::vector<dsp::Matrix> parts;
  for (Eigen::Index start = 0; start < frames.rows(); start += block)
    parts.push_back(stream.push(frames.middleRows(start, std::min(block, frames.rows() - start))));
  parts.push_back(stream.finish());
  dsp::Matrix out(frames.rows(), frames.cols() * (1 + orders));
  Eigen::Index row = 0;
  for (const dsp::Matrix& part : parts) {
    EXPECT_EQ(part.cols(), out.cols());
    out.middleRows(row, part.rows()) = part;
    row += part.rows();
  }
  EXPECT_EQ(row, frames.rows());
  return out;
}

TEST(DeltaStream, EqualsDeltaOfTheWholeSequenceBitForBit) {
  for (const Eigen::Index rows : {Eigen::Index{1}, Eigen::Index{4}, Eigen::Index{8},
                                  Eigen::Index{9}, Eigen::Index{10}, Eigen::Index{333}}) {
    const dsp::Matrix frames = random_frames(rows, 3);
    for (const int width : {3, 9}) {
      dsp::Matrix expected(rows, 9);
      expected << frames, delta(frames, width, 1), delta(frames, width, 2);
      for (const Eigen::Index block : {Eigen::Index{1}, Eigen::Index{5}, Eigen::Index{64}}) {
        SCOPED_TRACE(testing::Message()
                     << rows << " frames, width " << width << ", blocks of " << block);
        EXPECT_EQ(streamed(frames, block, 2, width), expected);
      }
    }
  }
}

TEST(DeltaStream, HoldsBackOnlyHalfAWindow) {
  DeltaStream stream(1, 9);
  EXPECT_EQ(stream.push(random_frames(8, 2)).rows(), 0) << "fewer than 9 frames: wait";
  EXPECT_EQ(stream.push(random_frames(100, 2)).rows(), 108 - 4);
  EXPECT_EQ(stream.finish().rows(), 4);
}

}  // namespace
}  // namespace mirkit::features
