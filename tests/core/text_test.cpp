#include "mirkit/core/text.hpp"

#include <gtest/gtest.h>

namespace mirkit {
namespace {

TEST(EscapeInvalidUtf8, KeepsUtf8AndWritesOtherBytesAsHex) {
  EXPECT_EQ(escape_invalid_utf8("plain/ascii.wav"), "plain/ascii.wav");
  EXPECT_EQ(escape_invalid_utf8("caf\xC3\xA9 \xE2\x99\xAB \xF0\x9F\x8E\xB5.flac"),
            "caf\xC3\xA9 \xE2\x99\xAB \xF0\x9F\x8E\xB5.flac");  // é ♫ 🎵: valid, kept
  EXPECT_EQ(escape_invalid_utf8("caf\xE9.wav"), "caf\\xE9.wav");  // Latin-1 é
  EXPECT_EQ(escape_invalid_utf8("\xFF\xFE"), "\\xFF\\xFE");
  EXPECT_EQ(escape_invalid_utf8("\xC3"), "\\xC3");          // a sequence cut short
  EXPECT_EQ(escape_invalid_utf8("\xC0\xAF"), "\\xC0\\xAF");  // an overlong '/'
  EXPECT_EQ(escape_invalid_utf8("\xED\xA0\x80"), "\\xED\\xA0\\x80");  // a UTF-16 surrogate
  EXPECT_EQ(escape_invalid_utf8("\xF4\x90\x80\x80"), "\\xF4\\x90\\x80\\x80");  // > U+10FFFF
}

TEST(EscapeInvalidUtf8, DistinctNamesStayDistinct) {
  EXPECT_NE(escape_invalid_utf8("a\xE9.wav"), escape_invalid_utf8("a\xE8.wav"));
}

}  // namespace
}  // namespace mirkit
