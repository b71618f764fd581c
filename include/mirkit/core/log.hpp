// Diagnostics on stderr: one line per event, as text for people or as JSON for log collectors.
// Results never go here; they go to files or stdout.
#pragma once

#include <iosfwd>
#include <mutex>
#include <string>

#include "mirkit/core/error.hpp"
#include "mirkit/core/json.hpp"

namespace mirkit {

enum class LogFormat { text, json };
enum class Verbosity { quiet, normal, verbose };

class Log {
 public:
  // Writes to `out` (std::cerr in the program, a string stream in tests).
  explicit Log(std::ostream& out, LogFormat format = LogFormat::text,
               Verbosity verbosity = Verbosity::normal);

  // Errors are always written, even with --quiet: a batch must name every file that failed.
  void error(const Error& error);
  void warning(const std::string& message, const std::string& file = {});
  void info(const std::string& message);     // hidden by --quiet
  void verbose(const std::string& message);  // shown only with --verbose
  // A run's closing line: the message as text, or with --log-format json one object that also
  // carries the counts as numbers ({"level":"info","message":…,"counts":{…}}). Hidden by --quiet.
  void summary(const std::string& message, const Json& counts);
  // A table for people (evaluate's scores): as it is in text, or with --log-format json one object
  // {"level":"info","message":…,"data":…} holding the same figures. Hidden by --quiet.
  void table(const std::string& message, const std::string& text, const Json& data);

  Verbosity verbosity() const { return verbosity_; }
  LogFormat format() const { return format_; }

 private:
  void write(const char* level, const std::string& message, const std::string& file,
             const std::string& stage, const Json* counts = nullptr);

  std::ostream& out_;
  LogFormat format_;
  Verbosity verbosity_;
  std::mutex mutex_;  // one whole line at a time from worker threads
};

}  // namespace mirkit
