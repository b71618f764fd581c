// The batch engine on its own: the order of lock and inputs, failures and the error log, and the
// threads; the commands' use of it is tested in tests/cli.
#include "mirkit/pipeline/batch_run.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <set>
#include <sstream>

#include "mirkit/core/file_lock.hpp"
#include "support/temp_dir.hpp"

namespace mirkit::pipeline {
namespace {
namespace fs = std::filesystem;

struct Quiet {
  std::ostringstream text;
  Log log{text};
};

BatchOptions options_for(const test::TempDir& dir) {
  BatchOptions options;
  options.output = dir / "out.csv";
  options.gather.root = dir.path();
  return options;
}

TEST(BatchRun, TakesTheLockBeforeReadingTheList) {
  test::TempDir dir;
  BatchOptions options = options_for(dir);
  options.inputs.files_from = "-";
  std::istringstream list("a.wav\nb.wav\n");
  Quiet quiet;
  const FileLock held(dir / "out.csv.lock");
  EXPECT_THROW(BatchRun(options, "test", quiet.log, list), Error);
  EXPECT_EQ(list.tellg(), 0) << "a refused run must not consume the list";
}

TEST(BatchRun, RefusesAMissingOutputFolderAndAMissingNamedInput) {
  test::TempDir dir;
  Quiet quiet;
  std::istringstream none;
  BatchOptions options = options_for(dir);
  options.output = dir / "nowhere" / "out.csv";
  try {
    BatchRun run(options, "test", quiet.log, none);
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::usage);
    EXPECT_NE(error.cause().find("nowhere' does not exist"), std::string::npos) << error.cause();
  }
  options = options_for(dir);
  options.inputs.paths = {(dir / "missing.wav").string()};
  EXPECT_THROW(BatchRun(options, "test", quiet.log, none), Error);
  EXPECT_FALSE(fs::exists(dir / "out.csv.lock"));
  options.inputs.paths.clear();
  options.inputs.files_from = (dir / "no-list.txt").string();
  EXPECT_THROW(BatchRun(options, "test", quiet.log, none), Error);
}

TEST(BatchRun, RunsEveryInputAndKeepsFailuresForTheLog) {
  test::TempDir dir;
  for (const char* name : {"a.wav", "b.wav", "c.wav", "d.wav"})
    test::write_bytes(dir / name, "x");
  BatchOptions options = options_for(dir);
  options.inputs.paths = {dir.path().string()};
  options.jobs = 3;
  Quiet quiet;
  std::istringstream none;
  BatchRun run(options, "test", quiet.log, none);
  ASSERT_EQ(run.inputs().size(), 4u);
  std::set<std::size_t> finished;
  int checkpoints = 0;
  run.for_each(
      run.selected(),
      [&](std::size_t index, int) -> double {
        if (run.inputs()[index].key == "b.wav") throw Error("broken", ErrorKind::input);
        return 1.5;
      },
      [&](std::size_t index, const Error* failure) {
        EXPECT_EQ(failure != nullptr, run.inputs()[index].key == "b.wav");
        finished.insert(index);
      },
      [&] { ++checkpoints; });
  EXPECT_EQ(finished.size(), 4u);
  EXPECT_EQ(run.failed(), 1u);
  EXPECT_NE(quiet.text.str().find("b.wav: broken"), std::string::npos) << quiet.text.str();
  const fs::path log = run.write_error_log();
  EXPECT_EQ(log, dir / "out.csv.errors.jsonl");
  std::ifstream in(log);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "{\"path\":\"b.wav\",\"file\":\"" + (dir / "b.wav").string() +
                      "\",\"stage\":\"test\",\"error\":\"broken\"}");
}

TEST(BatchRun, NoErrorLogWhenNothingFailedAndAnOldOneIsRemoved) {
  test::TempDir dir;
  test::write_bytes(dir / "a.wav", "x");
  test::write_bytes(dir / "out.csv.errors.jsonl", "{\"old\":1}\n");
  BatchOptions options = options_for(dir);
  options.inputs.paths = {(dir / "a.wav").string()};
  Quiet quiet;
  std::istringstream none;
  {
    BatchRun run(options, "test", quiet.log, none);
    run.for_each(
        run.selected(), [](std::size_t, int) { return 0.0; }, [](std::size_t, const Error*) {},
        [] {});
    EXPECT_TRUE(run.write_error_log().empty());
  }
  EXPECT_FALSE(fs::exists(dir / "out.csv.errors.jsonl"));
  EXPECT_FALSE(fs::exists(dir / "out.csv.lock"));
}

TEST(BatchRun, StdoutHasNoLockAndNoErrorLog) {
  test::TempDir dir;
  test::write_bytes(dir / "a.wav", "x");
  BatchOptions options = options_for(dir);
  options.output = "-";
  options.inputs.paths = {(dir / "a.wav").string()};
  Quiet quiet;
  std::istringstream none;
  BatchRun run(options, "test", quiet.log, none);
  run.for_each(
      run.selected(), [](std::size_t, int) -> double { throw Error("bad", ErrorKind::input); },
      [](std::size_t, const Error*) {}, [] {});
  EXPECT_TRUE(run.write_error_log().empty());
  EXPECT_EQ(run.failed(), 1u);
}

// What --update and --resume compare an input by: the size and the nanosecond mtime.
TEST(BatchInputFacts, SizeAndModificationTimeOfAFile) {
  test::TempDir dir;
  const fs::path file = dir / "a.wav";
  std::ofstream(file) << "12345";
  const auto when = fs::file_time_type::clock::now() - std::chrono::hours(1);
  fs::last_write_time(file, when);
  const InputFacts facts = stat_input(file);
  EXPECT_EQ(facts.size, 5);
  const auto since_epoch = std::chrono::file_clock::to_sys(when).time_since_epoch();
  EXPECT_EQ(facts.mtime_ns,
            std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch).count());
}

TEST(BatchInputFacts, AMissingFileOrAFolderIsThatInputsErrorNamingIt) {
  test::TempDir dir;
  const fs::path missing = dir / "gone.wav";
  try {
    stat_input(missing);
    FAIL() << "a missing file must throw";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::input);
    EXPECT_EQ(error.cause(), "cannot read (No such file or directory)");
    EXPECT_EQ(error.file(), missing.string());
  }
  try {
    stat_input(dir.path());
    FAIL() << "a folder must throw";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::input);
    EXPECT_EQ(error.cause(), "is a folder, not an audio file");
  }
}

}  // namespace
}  // namespace mirkit::pipeline
