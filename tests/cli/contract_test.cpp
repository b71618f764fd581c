// One command-line contract, checked command by command: help and usage, argument errors (the
// prefix, "did you mean", the JSON log format), exit codes for the same cause, the output folder,
// stdout with `-o -`, and --quiet. A table row per subcommand, so a new one is checked too.
#include <gtest/gtest.h>

#include "cli_support.hpp"
#include "mirkit/core/json.hpp"
#include "unattended_support.hpp"

namespace mirkit {
namespace {
using test::mirkit;
using test::read_all;
namespace fs = std::filesystem;

const std::vector<std::string> kCommands = {"extract", "train", "evaluate", "predict",
                                            "export",  "info",  "list",     "merge",
                                            "split",   "plot",  "explain"};

TEST(Contract, EveryCommandHasHelpWithExamplesAndDefaults) {
  for (const std::string& command : kCommands) {
    SCOPED_TRACE(command);
    const auto help = mirkit({command, "--help"});
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_NE(help.out.find("Examples:"), std::string::npos) << help.out;
    const auto via_help = mirkit({"help", command});
    EXPECT_EQ(via_help.exit_code, 0);
    EXPECT_EQ(via_help.out, help.out);
  }
  // Defaults shown: a batch option, a predict option.
  const auto predict = mirkit({"predict", "--help"}).out;
  EXPECT_NE(predict.find("--checkpoint-seconds FLOAT:FLOAT in [0 - 3600]=5"), std::string::npos)
      << predict;
  EXPECT_NE(predict.find("--unknown-label TEXT=unknown"), std::string::npos) << predict;
}

TEST(Contract, BareMirkitPrintsUsage) {
  const auto bare = mirkit({});
  EXPECT_EQ(bare.exit_code, 2);
  EXPECT_NE(bare.err.find("Subcommands:"), std::string::npos);
  EXPECT_EQ(mirkit({"help"}).exit_code, 0);
}

TEST(Contract, ArgumentErrorsArePrefixedAndSuggest) {
  const auto command = mirkit({"predcit"});
  EXPECT_EQ(command.exit_code, 2);
  EXPECT_EQ(command.err.rfind("mirkit: error: ", 0), 0u) << command.err;
  EXPECT_NE(command.err.find("did you mean 'predict'?"), std::string::npos) << command.err;
  for (const std::string& name : kCommands) {
    SCOPED_TRACE(name);
    const auto option = mirkit({name, "--qiet"});
    EXPECT_EQ(option.exit_code, 2);
    EXPECT_EQ(option.err.rfind("mirkit: error: ", 0), 0u) << option.err;
    EXPECT_NE(option.err.find("did you mean '--quiet'?"), std::string::npos) << option.err;
    // The same error as one JSON object with --log-format json.
    const auto json = mirkit({"--log-format", "json", name, "--qiet"});
    EXPECT_EQ(json.exit_code, 2);
    const auto lines = test::split_lines(json.err);
    ASSERT_EQ(lines.size(), 1u) << json.err;
    const Json event = Json::parse(lines[0]);
    EXPECT_EQ(event["level"], "error");
  }
}

class ContractWithData : public test::InboxFixture {};

// Every command that writes a file refuses an output folder that does not exist, before any
// work, with exit 2 and the folder named (not a lock or temporary file).
TEST_F(ContractWithData, AMissingOutputFolderIsExitTwoNamingTheFolder) {
  write_tone("a.wav", 150.0, 1.0);
  const std::string folder = (dir_ / "missing").string();
  const std::string out = folder + "/out";
  const std::string audio = (inbox_ / "a.wav").string();
  const std::vector<std::vector<std::string>> commands = {
      {"extract", inbox_.string(), "-c", test::kMfcc, "-o", out + ".safetensors"},
      {"train", features_, "-m", "knn", "-o", out + ".safetensors"},
      {"evaluate", model_, features_, "-o", out + ".json"},
      {"predict", model_, inbox_.string(), "-o", out + ".csv"},
      {"export", features_, "--format", "csv", "-o", out + ".csv"},
      {"merge", features_, "-o", out + ".safetensors"},
      {"split", features_, "--test", "0.5", "-o", out + "1.safetensors", out + "2.safetensors"},
      {"plot", audio, "-o", out + ".png"},
      {"explain", model_, audio, "-o", out + ".png"},
  };
  for (const auto& args : commands) {
    SCOPED_TRACE(args[0]);
    const auto result = mirkit(args);
    EXPECT_EQ(result.exit_code, 2) << result.err;
    EXPECT_NE(result.err.find("the output folder '" + folder + "' does not exist"),
              std::string::npos)
        << result.err;
    EXPECT_FALSE(fs::exists(folder));
  }
}

// A named input that does not exist is the same usage error, exit 2 and one identical line, in
// every command that reads one.
TEST_F(ContractWithData, ANamedInputThatDoesNotExistIsExitTwo) {
  const std::string missing = (dir_ / "nope.wav").string();
  const std::string lost = (dir_ / "nope.safetensors").string();
  const std::string out = (dir_ / "out").string();
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"extract", missing, "-c", test::kMfcc, "-o", out + ".safetensors"}, missing},
      {{"predict", model_, missing}, missing},
      {{"predict", lost, missing}, lost},
      {{"info", missing}, missing},
      {{"train", lost, "-m", "knn", "-o", out + ".safetensors"}, lost},
      {{"evaluate", model_, lost}, lost},
      {{"export", lost, "--format", "csv", "-o", out + ".csv"}, lost},
      {{"merge", features_, lost, "-o", out + ".safetensors"}, lost},
      {{"split", lost, "-o", out + "1.safetensors", out + "2.safetensors"}, lost},
      {{"plot", missing, "-o", out + ".png"}, missing},
      {{"explain", model_, missing, "-o", out + ".png"}, missing},
  };
  for (const auto& [args, named] : cases) {
    SCOPED_TRACE(args[0]);
    const auto result = mirkit(args);
    EXPECT_EQ(result.exit_code, 2) << result.err;
    EXPECT_EQ(result.err, "mirkit: error: " + named + ": no such file or folder\n");
  }
}

// `-o -`: the result alone on stdout, for every command whose result a pipe could take.
TEST_F(ContractWithData, DashOutputIsTheResultAloneOnStdout) {
  write_tone("a.wav", 150.0, 1.0);
  const auto predicted = mirkit({"predict", model_, inbox_.string(), "-o", "-"});
  ASSERT_EQ(predicted.exit_code, 0);
  EXPECT_EQ(predicted.out.rfind("path,label,", 0), 0u) << predicted.out;
  const auto exported = mirkit({"export", features_, "--format", "csv", "-o", "-"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  const std::string file = (dir_ / "e.csv").string();
  ASSERT_EQ(mirkit({"export", features_, "--format", "csv", "-o", file}).exit_code, 0);
  EXPECT_EQ(exported.out, read_all(file));
  const auto evaluated = mirkit({"evaluate", model_, features_, "-o", "-"});
  ASSERT_EQ(evaluated.exit_code, 0) << evaluated.err;
  EXPECT_EQ(Json::parse(evaluated.out)["accuracy"].get<double>(), 1.0);
}

// `mirkit info MODEL` shows what training chose and measured; `mirkit info RECIPE.json` the
// recipe as resolved, with its hash.
TEST_F(ContractWithData, InfoShowsTrainingAndResolvedRecipes) {
  const std::string model = (dir_ / "cv.safetensors").string();
  ASSERT_EQ(
      mirkit({"train", features_, "-m", "knn", "--cv", "2", "--seed", "5", "-o", model}).exit_code,
      0);
  const Json info = Json::parse(mirkit({"info", model}).out);
  EXPECT_EQ(info["seed"], 5);
  EXPECT_EQ(info["recipe_hash"], Json::parse(mirkit({"info", features_}).out)["config_hash"]);
  EXPECT_EQ(info["data_hash"].get<std::string>().size(), 16u);
  EXPECT_EQ(info["training"]["cross_validation"]["folds"], 2);
  EXPECT_TRUE(info["training"]["cross_validation"].contains("accuracy"));
  EXPECT_FALSE(info["mirkit_version"].get<std::string>().empty());

  const Json recipe = Json::parse(mirkit({"info", test::kMfcc}).out);
  EXPECT_EQ(recipe["kind"], "feature recipe");
  EXPECT_EQ(recipe["hash"], info["recipe_hash"]) << "the hash a model records of its recipe";
  EXPECT_TRUE(recipe["recipe"]["audio"].contains("resample_quality")) << "defaults written out";
  const Json svm =
      Json::parse(mirkit({"info", std::string(MIRKIT_CONFIG_DIR) + "/models/svm.json"}).out);
  EXPECT_EQ(svm["kind"], "model recipe");
  EXPECT_TRUE(svm["recipe"]["params"].contains("c")) << "every parameter, with its default";
}

// --quiet leaves errors alone on stderr; --log-format json turns every stderr line, the
// evaluation table and the summaries included, into JSON.
TEST_F(ContractWithData, QuietIsQuietAndJsonIsJson) {
  write_tone("a.wav", 150.0, 1.0);
  const std::string labels = (dir_ / "q.csv").string();
  const std::vector<std::vector<std::string>> commands = {
      {"extract", inbox_.string(), "-c", test::kMfcc, "-o", (dir_ / "q.safetensors").string()},
      {"train", features_, "-m", "knn", "-o", (dir_ / "q-model.safetensors").string()},
      {"train", features_, "-m", "knn", "--cv", "2", "-o", (dir_ / "q2.safetensors").string()},
      {"evaluate", model_, features_},
      {"predict", model_, inbox_.string(), "-o", labels},
      {"export", features_, "--format", "csv", "-o", (dir_ / "q.csv2").string()},
      {"split", features_, "--test", "0.5", "-o", (dir_ / "s1.safetensors").string(),
       (dir_ / "s2.safetensors").string()},
  };
  for (const auto& args : commands) {
    SCOPED_TRACE(args[0]);
    std::vector<std::string> quiet = {"-q"};
    quiet.insert(quiet.end(), args.begin(), args.end());
    const auto q = mirkit(quiet);
    EXPECT_EQ(q.exit_code, 0) << q.err;
    EXPECT_EQ(q.err, "") << "--quiet printed more than errors";
    std::vector<std::string> json = {"--log-format", "json"};
    json.insert(json.end(), args.begin(), args.end());
    const auto j = mirkit(json);
    EXPECT_EQ(j.exit_code, 0) << j.err;
    for (const std::string& line : test::split_lines(j.err))
      EXPECT_NO_THROW(Json::parse(line)) << "not JSON: " << line;
    EXPECT_FALSE(j.err.empty());
  }
}

}  // namespace
}  // namespace mirkit
