// The checkpoint of a long batch run: an append-only journal beside the output, one record per
// finished input (its item and feature rows, or its error), flushed to disk every few seconds.
// Each record carries its length and a checksum, so after a kill -9 or a power cut the records
// that reached the disk are read back whole and a torn last one is dropped; `--resume` then
// redoes only the inputs that have no record.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "mirkit/dsp/matrix.hpp"
#include "mirkit/pipeline/feature_file.hpp"

namespace mirkit::pipeline {

struct JournalRecord {
  std::int64_t index = 0;  // the input's position in the run
  bool failed = false;
  FeatureItem item;  // when it succeeded
  dsp::Matrix rows;
  std::string stage;  // when it failed: where, and why
  std::string error;
};

class Journal {
 public:
  // Starts a new journal at `path` for the run `run_id` (replacing any old one), or with
  // `append` continues one whose records were read by recover().
  Journal(const std::filesystem::path& path, const std::string& run_id, bool append);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  void add(const JournalRecord& record);  // buffered
  void flush();                           // writes the buffer and fsyncs; fatal Error on failure
  // Flushes and deletes the journal: the run is complete.
  void finish_and_remove();

  // The records of an interrupted run, in the order written; a torn or corrupt tail is dropped
  // and cut off the file. Throws a usage Error when the journal belongs to another run
  // (different config or inputs), naming both.
  static std::vector<JournalRecord> recover(const std::filesystem::path& path,
                                            const std::string& run_id);

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  std::string buffer_;
};

}  // namespace mirkit::pipeline
