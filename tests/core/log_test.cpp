#include "mirkit/core/log.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "mirkit/core/json.hpp"

namespace mirkit {
namespace {

TEST(Log, TextErrorIsOneLine) {
  std::ostringstream out;
  Log log(out);
  log.error(Error("empty file (0 bytes)", ErrorKind::input, "x.wav", "info"));
  EXPECT_EQ(out.str(), "mirkit: error: x.wav: empty file (0 bytes)\n");
}

TEST(Log, JsonErrorIsOneObject) {
  std::ostringstream out;
  Log log(out, LogFormat::json);
  log.error(Error("bad", ErrorKind::input, "x.wav", "info"));
  const Json event = Json::parse(out.str());
  EXPECT_EQ(event["level"], "error");
  EXPECT_EQ(event["stage"], "info");
  EXPECT_EQ(event["file"], "x.wav");
  EXPECT_EQ(event["message"], "bad");
}

TEST(Log, QuietKeepsErrorsOnly) {
  std::ostringstream out;
  Log log(out, LogFormat::text, Verbosity::quiet);
  log.info("hello");
  log.warning("careful");
  log.verbose("detail");
  log.error(Error("bad"));
  EXPECT_EQ(out.str(), "mirkit: error: bad\n");
}

TEST(Log, NonUtf8FileNamesDoNotBreakJson) {
  std::ostringstream out;
  Log log(out, LogFormat::json);
  log.error(Error("bad", ErrorKind::input, "caf\xe9.wav"));
  EXPECT_NO_THROW(Json::parse(out.str()));
  EXPECT_NE(out.str().find("caf\xef\xbf\xbd.wav"), std::string::npos);  // U+FFFD
}

}  // namespace
}  // namespace mirkit
