#include "mirkit/core/log.hpp"

#include <ostream>

#include "mirkit/core/json.hpp"

namespace mirkit {

Log::Log(std::ostream& out, LogFormat format, Verbosity verbosity)
    : out_(out), format_(format), verbosity_(verbosity) {}

void Log::error(const Error& error) {
  write("error", error.cause(), error.file(), error.stage());
}

void Log::warning(const std::string& message, const std::string& file) {
  if (verbosity_ == Verbosity::quiet) return;
  write("warning", message, file, {});
}

void Log::info(const std::string& message) {
  if (verbosity_ == Verbosity::quiet) return;
  write("info", message, {}, {});
}

void Log::verbose(const std::string& message) {
  if (verbosity_ != Verbosity::verbose) return;
  write("debug", message, {}, {});
}

void Log::summary(const std::string& message, const Json& counts) {
  if (verbosity_ == Verbosity::quiet) return;
  write("info", message, {}, {}, &counts);
}

void Log::table(const std::string& message, const std::string& text, const Json& data) {
  if (verbosity_ == Verbosity::quiet) return;
  if (format_ == LogFormat::json) {
    const std::string line =
        to_json_line(Json{{"level", "info"}, {"message", message}, {"data", data}});
    std::lock_guard lock(mutex_);
    out_ << line << '\n' << std::flush;
    return;
  }
  std::lock_guard lock(mutex_);
  out_ << text << std::flush;
}

void Log::write(const char* level, const std::string& message, const std::string& file,
                const std::string& stage, const Json* counts) {
  std::string line;
  if (format_ == LogFormat::json) {
    Json event = {{"level", level}};
    if (!stage.empty()) event["stage"] = stage;
    if (!file.empty()) event["file"] = file;
    event["message"] = message;
    if (counts) event["counts"] = *counts;
    line = to_json_line(event);
  } else {
    line = std::string("mirkit: ") + level + ": ";
    if (!file.empty()) line += file + ": ";
    line += message;
  }
  std::lock_guard lock(mutex_);
  out_ << line << '\n' << std::flush;
}

}  // namespace mirkit
