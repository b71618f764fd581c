// The checkpoint of a long batch run: an append-only journal beside the output, one record per
// finished input (its item and feature rows, or its error), flushed to disk every few seconds.
// Each record carries its length and a checksum, so after a kill -9 or a power cut the records
// that reached the disk are read back whole and a torn last one is dropped; `--resume` then
// redoes only the inputs that have no record.
#pragma once

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "mirkit/dsp/matrix.hpp"
#include "mirkit/pipeline/feature_file.hpp"

namespace mirkit::pipeline {

// Where some of a record's rows lie in the journal file: `rows` rows of the record's `cols`
// floats from byte `offset`. The rows live there, not in memory, from their journaling until
// the feature file is assembled, so a batch's memory does not grow with its inputs.
struct RowsPart {
  std::int64_t offset = 0;
  std::int64_t rows = 0;
};

struct JournalRecord {
  std::int64_t index = 0;  // the input's position in the run
  bool failed = false;
  FeatureItem item;  // when it succeeded
  dsp::Matrix rows;  // rows not journaled yet: add() writes them and moves them to `parts`
  std::vector<RowsPart> parts;  // its rows in the journal, in order (add_rows', then add()'s)
  std::int64_t cols = 0;
  std::string stage;  // when it failed: where, and why
  std::string error;

  std::int64_t row_count() const;  // in `parts` and `rows`
};

// The journal is written by the thread that finishes inputs and, through add_rows, by workers
// streaming a long input's rows: every call is safe from any thread.
class Journal {
 public:
  // Starts a new journal at `path` for the run `run_id` (replacing any old one), or with
  // `append` continues one whose records were read by recover().
  Journal(const std::filesystem::path& path, const std::string& run_id, bool append);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // Part of input `index`'s rows, written as they are computed (a long file's frames); its
  // record, given later to add(), lists them. Rows of an input whose record never comes (the
  // run was killed, the input failed) are ignored by recover().
  RowsPart add_rows(std::int64_t index, const dsp::Matrix& rows);
  // Journals `record`: its item and the rest of its rows (moved from `rows` to `parts`).
  void add(JournalRecord& record);
  void flush();  // writes what is buffered and fsyncs; fatal Error on failure
  // `part`'s rows, `cols` floats each, into `out`; flush() first. A fatal Error on failure.
  void read_rows(const RowsPart& part, std::int64_t cols, std::span<float> out) const;
  // Deletes the journal: the run is complete.
  void finish_and_remove();

  // The records of an interrupted run, in the order written, their rows left in the file
  // (`parts`); a torn or corrupt tail is dropped and cut off the file. Throws a usage Error when
  // the journal belongs to another run (different config or inputs), naming both.
  static std::vector<JournalRecord> recover(const std::filesystem::path& path,
                                            const std::string& run_id);

 private:
  // Frames a record around the payload `write_payload` appends; returns the record's payload
  // start in the file. Called with mutex_ held.
  template <class WritePayload>
  std::int64_t append_record(WritePayload&& write_payload);
  void write_buffer();  // with mutex_ held

  std::filesystem::path path_;
  int fd_ = -1;
  std::int64_t written_ = 0;  // bytes in the file
  std::string buffer_;        // bytes after them, not yet written
  mutable std::mutex mutex_;
};

}  // namespace mirkit::pipeline
