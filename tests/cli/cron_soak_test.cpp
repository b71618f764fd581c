// The cron soak: `mirkit predict MODEL inbox -o labels.csv --update -j 2` run some twenty times
// over an inbox that changes between runs as a real one does — files added, replaced, renamed,
// touched and deleted, a corrupt file and its fix, a name with a newline, a run killed with
// SIGKILL mid-batch, two runs overlapping — and after every run the labels, their sidecar and the
// error log equal those of a fresh full run over the same inbox, byte for byte: nothing stale,
// nothing lost, no duplicate rows. It runs under the release, asan and tsan presets.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <chrono>
#include <csignal>
#include <functional>
#include <set>
#include <thread>

#include "unattended_support.hpp"

namespace mirkit {
namespace {
using test::mirkit;
using test::read_all;
namespace fs = std::filesystem;

class CronSoak : public test::InboxFixture {
 protected:
  // One nightly run, then the comparison with a fresh one.
  void nightly(int expected_exit = 0) {
    ++runs_;
    const auto result = label(kNightly);
    ASSERT_EQ(result.exit_code, expected_exit) << "run " << runs_ << "\n" << result.err;
    expect_equals_a_fresh_run({"-j", "2"});
    const auto lines = test::split_lines(read_all(labels_));
    EXPECT_EQ(std::set<std::string>(lines.begin(), lines.end()).size(), lines.size())
        << "duplicate rows after run " << runs_;
  }

  // Waits (bounded) until `done` holds: the event a test waits on, never a fixed sleep.
  static bool wait_for(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
  }

  std::size_t rows() const { return test::split_lines(read_all(labels_)).size(); }

  const std::vector<std::string> kNightly = {"--update", "-j", "2", "--checkpoint-seconds", "0"};
  int runs_ = 0;
};

TEST_F(CronSoak, TwentyNightsEqualFreshRuns) {
  // 1–2: the first night, and a night with nothing new.
  for (int i = 0; i < 6; ++i)
    write_tone("clip" + std::to_string(i) + ".wav", i % 2 ? 150.0 * (1 + 0.05 * i) : 2400.0, 0.5);
  nightly();
  nightly();
  // 3: two new files, one in a new sub-folder.
  write_tone("clip6.wav", 700.0, 0.6);
  write_tone("new/clip7.wav", 160.0, 0.4);
  nightly();
  // 4: a file replaced by another clip under the same name.
  write_tone("clip0.wav", 700.0, 0.7);
  nightly();
  // 5: a file renamed.
  fs::rename(inbox_ / "clip1.wav", inbox_ / "renamed1.wav");
  nightly();
  // 6: a file deleted.
  fs::remove(inbox_ / "clip2.wav");
  nightly();
  // 7–8: a corrupt file arrives (exit 1, named in the error log), then is fixed.
  test::write_bytes(inbox_ / "corrupt.wav", "RIFF\x24\x00\x00\x00WAVEfmt garbage");
  nightly(1);
  nightly(1);
  write_tone("corrupt.wav", 2400.0, 0.5);
  nightly();
  // 9: a name with a newline and one with a comma and quotes.
  write_tone("odd\nname.wav", 150.0, 0.5);
  write_tone("a, \"quoted\" name.wav", 700.0, 0.5);
  nightly();
  nightly();
  // 10: a file touched (new modification time, same audio): labelled again, the same row.
  const fs::path touched = inbox_ / "clip3.wav";
  fs::last_write_time(touched, fs::last_write_time(touched) + std::chrono::seconds(5));
  nightly();

  // 11: a run killed with SIGKILL mid-batch: killed as soon as the first new file is
  // checkpointed, while long files after it are still to come; the next night finishes the job.
  write_tone("k1.wav", 150.0, 0.5);
  for (int i = 0; i < 6; ++i)
    write_tone("long" + std::to_string(i) + ".wav", 700.0 * (1 + 0.1 * i), 30.0);
  const std::size_t before = rows();
  const pid_t killed =
      test::spawn_mirkit({"predict", model_, inbox_.string(), "-o", labels_, "--root",
                          dir_.path().string(), "--update", "-j", "1", "--checkpoint-seconds", "0"},
                         dir_ / "killed.log");
  EXPECT_TRUE(wait_for([&] { return rows() > before; })) << read_all(dir_ / "killed.log");
  ::kill(killed, SIGKILL);
  int status = 0;
  ::waitpid(killed, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status)) << "the run ended before the kill: give it more to do";
  EXPECT_TRUE(fs::exists(labels_ + ".lock"));  // what a killed run leaves: the next takes it over
  nightly();
  for (int i = 0; i < 6; ++i)
    fs::remove(inbox_ / ("long" + std::to_string(i) + ".wav"));
  nightly();

  // 12: two runs overlap. The first holds the lock while it waits for its list of inputs on a
  // pipe (the lock comes before the list is read); the second is refused at once (exit 3) and
  // changes nothing; then the first gets its list and finishes.
  write_tone("overlap.wav", 150.0, 0.5);
  int list_pipe[2];
  ASSERT_EQ(::pipe2(list_pipe, O_CLOEXEC), 0);  // the child gets the read end as stdin alone
  const pid_t first = test::spawn_mirkit({"predict", model_, "--files-from", "-", "--null", "-o",
                                          labels_, "--root", dir_.path().string(), "--update"},
                                         dir_ / "first.log", list_pipe[0]);
  ::close(list_pipe[0]);
  const std::string holder = std::to_string(first) + "\n";
  EXPECT_TRUE(wait_for([&] { return read_all(labels_ + ".lock") == holder; }));
  const std::string during = read_all(labels_);
  const auto second = label(kNightly);
  EXPECT_EQ(second.exit_code, 3) << second.err;
  EXPECT_NE(second.err.find("another mirkit run holds this lock"), std::string::npos) << second.err;
  EXPECT_EQ(read_all(labels_), during);
  std::string list;
  for (const auto& entry : fs::recursive_directory_iterator(inbox_))
    if (entry.is_regular_file()) list += entry.path().string() + '\0';
  // One NUL-separated list, as `find -print0` writes it (names with newlines included).
  const auto written = ::write(list_pipe[1], list.data(), list.size());
  EXPECT_EQ(written, static_cast<ssize_t>(list.size()));
  ::close(list_pipe[1]);
  ::waitpid(first, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << read_all(dir_ / "first.log");
  nightly();

  // 13–16: a busy night: several changes at once, then quiet nights.
  fs::remove(inbox_ / "new" / "clip7.wav");
  write_tone("clip4.wav", 150.0, 0.9);
  fs::rename(inbox_ / "clip5.wav", inbox_ / "new" / "clip5.wav");
  write_tone("late.wav", 2400.0, 0.5);
  nightly();
  nightly();
  // 17: everything gone (an emptied inbox): exit 0, the header alone.
  fs::remove_all(inbox_);
  fs::create_directories(inbox_);
  nightly();
  EXPECT_EQ(test::split_lines(read_all(labels_)).size(), 1u);
  // 18–19: the inbox fills again.
  write_tone("again.wav", 150.0, 0.5);
  nightly();
  write_tone("again2.wav", 700.0, 0.5);
  nightly();
  EXPECT_GE(runs_, 20);
  EXPECT_FALSE(fs::exists(labels_ + ".lock"));
}

}  // namespace
}  // namespace mirkit
