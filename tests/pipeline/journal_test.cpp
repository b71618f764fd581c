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

// A recovered record's rows, read from the journal file at its parts' offsets.
dsp::Matrix rows_of(const std::filesystem::path& path, const JournalRecord& record) {
  dsp::Matrix rows(record.row_count(), record.cols);
  std::ifstream in(path, std::ios::binary);
  Eigen::Index row = 0;
  for (const RowsPart& part : record.parts) {
    in.seekg(part.offset);
    in.read(reinterpret_cast<char*>(rows.row(row).data()),
            static_cast<std::streamsize>(part.rows * record.cols * sizeof(float)));
    row += part.rows;
  }
  EXPECT_TRUE(in.good());
  return rows;
}

TEST(Journal, RecoversWhatWasFlushedAndDropsATornTail) {
  test::TempDir dir;
  const auto path = dir / "f.journal";
  {
    Journal journal(path, "run-1", false);
    JournalRecord four = done(4);
    journal.add(four);
    EXPECT_EQ(four.rows.size(), 0) << "journaled rows leave memory";
    ASSERT_EQ(four.parts.size(), 1u);
    JournalRecord failed;
    failed.index = 7;
    failed.failed = true;
    failed.stage = "decode";
    failed.error = "truncated";
    journal.add(failed);
    journal.flush();
    JournalRecord nine = done(9);
    journal.add(nine);  // never flushed: lost, as in a kill
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
  EXPECT_EQ(rows_of(path, records[0]), done(4).rows);
  EXPECT_TRUE(records[1].failed);
  EXPECT_EQ(records[1].error, "truncated");
  EXPECT_GE(std::filesystem::file_size(path), size);
  EXPECT_LT(std::filesystem::file_size(path), size + 15) << "the torn tail is cut off";

  // Appending after recovery continues the same journal.
  {
    Journal journal(path, "run-1", true);
    JournalRecord eleven = done(11);
    journal.add(eleven);
    journal.flush();
  }
  EXPECT_EQ(Journal::recover(path, "run-1").size(), 3u);
}

TEST(Journal, ACorruptRecordEndsTheRecovery) {
  test::TempDir dir;
  const auto path = dir / "f.journal";
  {
    Journal journal(path, "run-1", false);
    JournalRecord one = done(1), two = done(2);
    journal.add(one);
    journal.add(two);
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

TEST(Journal, StreamedRowsJoinTheirRecordAndAnUnfinishedInputsAreDropped) {
  test::TempDir dir;
  const auto path = dir / "f.journal";
  const dsp::Matrix first = dsp::Matrix::Constant(3, 2, 1.5f);
  const dsp::Matrix second = dsp::Matrix::Constant(1, 2, -2.0f);
  {
    Journal journal(path, "run-1", false);
    JournalRecord five = done(5);
    five.parts.push_back(journal.add_rows(5, first));
    journal.add_rows(6, dsp::Matrix::Constant(2, 2, 9.0f));  // input 6 fails after streaming
    five.parts.push_back(journal.add_rows(5, second));
    five.rows = dsp::Matrix::Constant(1, 2, 4.0f);  // the rest, given with the record
    journal.add(five);
    EXPECT_EQ(five.row_count(), 5);
    JournalRecord six;
    six.index = 6;
    six.failed = true;
    six.stage = "decode";
    six.error = "truncated";
    journal.add(six);
    journal.add_rows(8, first);  // input 8 is cut by a kill: its record never comes
    journal.flush();
  }
  auto records = Journal::recover(path, "run-1");
  ASSERT_EQ(records.size(), 2u);
  dsp::Matrix expected(5, 2);
  expected << first, second, dsp::Matrix::Constant(1, 2, 4.0f);
  EXPECT_EQ(rows_of(path, records[0]), expected);
  EXPECT_TRUE(records[1].failed);
  EXPECT_TRUE(records[1].parts.empty());

  // The resumed run redoes input 8: only its new rows are its.
  {
    Journal journal(path, "run-1", true);
    journal.add_rows(8, second);
    JournalRecord eight = done(8);
    eight.rows = dsp::Matrix(0, 2);
    journal.add(eight);
    journal.flush();
  }
  records = Journal::recover(path, "run-1");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[2].index, 8);
  EXPECT_EQ(rows_of(path, records[2]), second);
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
