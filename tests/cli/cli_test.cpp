// The program's global behaviour: --version, --help, exit codes for usage errors.
#include <gtest/gtest.h>

#include "cli_support.hpp"
#include "mirkit/core/json.hpp"
#include "mirkit/version.hpp"
#include "support/run.hpp"

namespace mirkit {
namespace {
using test::mirkit;

TEST(Cli, VersionNamesTheVersion) {
  const auto result = mirkit({"--version"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out.rfind(std::string("mirkit ") + kVersion, 0), 0u) << result.out;
}

TEST(Cli, HelpListsCommandsAndExitCodes) {
  const auto result = mirkit({"--help"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.out.find("info"), std::string::npos);
  EXPECT_NE(result.out.find("Exit codes"), std::string::npos);
}

TEST(Cli, EveryCommandHelpShowsAnExample) {
  for (const char* command : {"info", "list"}) {
    const auto result = mirkit({command, "--help"});
    EXPECT_EQ(result.exit_code, 0) << command;
    EXPECT_NE(result.out.find("Example"), std::string::npos) << command;
  }
}

TEST(Cli, ListFeaturesShowsEveryFeatureWithItsParameters) {
  const auto text = mirkit({"list", "features"});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("mfcc\n"), std::string::npos);
  EXPECT_NE(text.out.find("n_mfcc = 20"), std::string::npos);
  const auto json = mirkit({"list", "features", "--json"});
  EXPECT_EQ(json.exit_code, 0);
  const Json all = Json::parse(json.out);
  ASSERT_TRUE(all.is_array());
  EXPECT_GE(all.size(), 16u);
  EXPECT_EQ(all[0]["name"], "mfcc");
  EXPECT_EQ(all[0]["params"][0]["name"], "n_mfcc");
  EXPECT_EQ(all[0]["params"][0]["default"], 20);
}

TEST(Cli, UnknownFlagIsUsageErrorTwo) {
  const auto result = mirkit({"info", "--no-such-flag"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_FALSE(result.err.empty());
}

TEST(Cli, MissingSubcommandIsUsageErrorTwo) {
  EXPECT_EQ(mirkit({}).exit_code, 2);
}

TEST(Cli, BadLogFormatIsUsageErrorTwo) {
  EXPECT_EQ(mirkit({"--log-format", "xml", "info", "x.wav"}).exit_code, 2);
}

}  // namespace
}  // namespace mirkit
