#include "mirkit/core/error.hpp"

#include <gtest/gtest.h>

#include "mirkit/core/exit_code.hpp"

namespace mirkit {
namespace {

TEST(Error, MessageNamesTheFileThenTheCause) {
  const Error error = Error("empty file (0 bytes)").with_file("a/b.wav").with_stage("decode");
  EXPECT_STREQ(error.what(), "a/b.wav: empty file (0 bytes)");
  EXPECT_EQ(error.file(), "a/b.wav");
  EXPECT_EQ(error.stage(), "decode");
  EXPECT_EQ(error.cause(), "empty file (0 bytes)");
}

TEST(Error, InnerContextWins) {
  const Error error = Error("bad").with_file("inner.wav").with_file("outer.wav");
  EXPECT_EQ(error.file(), "inner.wav");
}

TEST(Error, WithoutAFileTheMessageIsTheCause) {
  EXPECT_STREQ(usage_error("no inputs").what(), "no inputs");
}

TEST(ExitCode, FollowsTheKind) {
  EXPECT_EQ(exit_code_for(ErrorKind::input), ExitCode::some_inputs_failed);
  EXPECT_EQ(exit_code_for(ErrorKind::usage), ExitCode::usage);
  EXPECT_EQ(exit_code_for(ErrorKind::fatal), ExitCode::fatal);
  EXPECT_EQ(static_cast<int>(ExitCode::fatal), 3);
}

}  // namespace
}  // namespace mirkit
