#include "progress_bar.hpp"

#include <unistd.h>

#include <cstdio>
#include <string>

namespace mirkit::cli {
namespace {

std::string clock_text(double seconds) {
  if (!(seconds >= 0.0) || seconds > 99 * 3600.0) return "--:--";
  const long total = static_cast<long>(seconds + 0.5);
  char text[32];
  if (total >= 3600) {
    std::snprintf(text, sizeof(text), "%ld:%02ld:%02ld", total / 3600, total / 60 % 60, total % 60);
  } else {
    std::snprintf(text, sizeof(text), "%02ld:%02ld", total / 60, total % 60);
  }
  return text;
}

}  // namespace

bool stderr_is_terminal() {
  return ::isatty(STDERR_FILENO) == 1;
}

ProgressBar::ProgressBar(bool enabled) : enabled_(enabled) {}

ProgressBar::~ProgressBar() {
  if (drawn_) std::fputc('\n', stderr);
}

void ProgressBar::update(std::size_t done, std::size_t total, std::size_t failed,
                         double audio_seconds, double elapsed_seconds) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (done < total && drawn_ && now - last_draw_ < std::chrono::milliseconds(200)) return;
  last_draw_ = now;
  constexpr int kWidth = 24;
  const double fraction = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
  const int filled = static_cast<int>(fraction * kWidth);
  const double rate = elapsed_seconds > 0 ? static_cast<double>(done) / elapsed_seconds : 0.0;
  const double audio_hours_per_s =
      elapsed_seconds > 0 ? audio_seconds / 3600.0 / elapsed_seconds : 0.0;
  const double eta = rate > 0 ? static_cast<double>(total - done) / rate : -1.0;
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(kWidth, '.');
  std::fprintf(stderr, "\r[%s] %zu/%zu files%s  %.1f files/s  %.2f audio-h/s  ETA %s\x1b[K",
               bar.c_str(), done, total,
               failed ? (" (" + std::to_string(failed) + " failed)").c_str() : "", rate,
               audio_hours_per_s, clock_text(eta).c_str());
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace mirkit::cli
