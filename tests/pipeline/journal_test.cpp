#include "mirkit/pipeline/journal.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "mirkit/core/error.hpp"
#include "support/temp_dir.hpp"

namespace mirkit::pipeline {
namespace {

JournalRecord done(std::int64_t index) {
  JournalRecord record;
  record.index = index;
  record.item.path = "a/" + std::to_string(index) + ".wav";
  record.item.labels = {"x"};
  record.item.index = index;
  record.rows = dsp::Matrix::Constant(2, 3, static_cast<float>(index) + 0.25f);
  return record;
}

TEST(Journal, RecoversWhatWasFlushedAndDropsATornTail) {
  test::TempDir dir;
  const auto path = dir / "f.journal";
  {
    Journal journal(path, "run-1", false);
    journal.add(done(4));
    JournalRecord failed;
    failed.index = 7;
    failed.failed = true;
    failed.stage = "decode";
    failed.error = "truncated";
    journal.add(failed);
    journal.flush();
    journal.add(done(9));  // never flushed: lost, as in a kill
  }
  const auto size = std::filesystem::file_size(path);
  {
    std::ofstream torn(path, std::ios::binary | std::ios::app);
    torn << std::string("\x40\0\0\0\0\0\0\0garbage", 15);  // a record cut short
  }
  const auto records = Journal::recover(path, "run-1");
  ASSERT_EQ(records.size(), 2u) << "the record added after the last flush is lost, as in a kill";
  EXPECT_EQ(records[0].index, 4);
  EXPECT_EQ(records[0].item.path, "a/4.wav");
  EXPECT_EQ(records[0].rows, done(4).rows);
  EXPECT_TRUE(records[1].failed);
  EXPECT_EQ(records[1].error, "truncated");
  EXPECT_GE(std::filesystem::file_size(path), size);
  EXPECT_LT(std::filesystem::file_size(path), size + 15) << "the torn tail is cut off";

  // Appending after recovery continues the same journal.
  {
    Journal journal(path, "run-1", true);
    journal.add(done(11));
    journal.flush();
  }
  EXPECT_EQ(Journal::recover(path, "run-1").size(), 3u);
}

TEST(Journal, ACorruptRecordEndsTheRecovery) {
  test::TempDir dir;
  const auto path = dir / "f.journal";
  {
    Journal journal(path, "run-1", false);
    journal.add(done(1));
    journal.add(done(2));
    journal.flush();
  }
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  bytes[bytes.size() - 3] ^= 0x5a;  // flip bits in the last record's data
  test::write_bytes(path, bytes);
  const auto records = Journal::recover(path, "run-1");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].index, 1);
}

TEST(Journal, AnotherRunsJournalIsRefused) {
  test::TempDir dir;
  { Journal journal(dir / "f.journal", "run-1", false); }
  try {
    Journal::recover(dir / "f.journal", "run-2");
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::usage);
    EXPECT_NE(std::string(error.what()).find("run-1"), std::string::npos);
    EXPECT_NE(std::string(error.what()).find("run-2"), std::string::npos);
  }
}

}  // namespace
}  // namespace mirkit::pipeline
