// Live labelling: audio arriving on a file descriptor (standard input fed by arecord, sox or
// ffmpeg) labelled as it comes. Every `every_s` seconds of audio, one row: the model's verdict
// on the last `history_s` seconds, its windows (or a classical model's segments) aggregated as
// `windowing.aggregate` says — a moving mean, vote, maximum or attention. Each row is exactly
// what `predict` gives for a file holding those same seconds; memory holds those seconds only,
// however long the stream runs.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>

#include "mirkit/io/audio_source.hpp"
#include "mirkit/pipeline/clip_scorer.hpp"

namespace mirkit::pipeline {

struct StreamOptions {
  std::filesystem::path model;
  // Seconds of audio between rows; none: one row for the whole stream, when it ends.
  std::optional<double> every_s;
  double history_s = 10.0;           // seconds of audio each row looks back over
  std::optional<io::RawFormat> raw;  // headerless PCM; none: the stream has a header (WAV, …)
  Windowing windowing;
  int top_k = 0;
  std::optional<double> min_prob;
  std::string unknown_label = "unknown";
  bool jsonl = false;
};

struct StreamSummary {
  std::int64_t rows = 0;
  double audio_s = 0.0;        // of the stream, at the model's analysis rate
  double slowest_row_s = 0.0;  // the longest time from a row's last sample to its line
};

// Reads the stream from `fd` until it ends, writing a header (CSV) and then each row to `out`
// as soon as it is made, flushed. A stream that ends before any audio is a usage Error.
StreamSummary predict_stream(const StreamOptions& options, int fd, std::ostream& out);

}  // namespace mirkit::pipeline
