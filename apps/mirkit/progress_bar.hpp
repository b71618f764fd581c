// The progress line of a batch on a terminal: files done, files/s, audio-hours/s, ETA. Silent
// when stderr is not a terminal (cron, pipes) or with --quiet.
#pragma once

#include <chrono>
#include <cstddef>

namespace mirkit::cli {

class ProgressBar {
 public:
  explicit ProgressBar(bool enabled);
  ~ProgressBar();  // ends the line

  // At most a few redraws a second, whatever the rate of calls.
  void update(std::size_t done, std::size_t total, std::size_t failed, double audio_seconds,
              double elapsed_seconds);

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_draw_{};
};

// True when stderr is a terminal.
bool stderr_is_terminal();

}  // namespace mirkit::cli
