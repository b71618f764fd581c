#include "mirkit/core/hash.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace mirkit {
namespace {

TEST(Hash, Fnv1a64IsTheStandardOne) {
  // The published FNV-1a 64 values: provenance hashes must not change between versions.
  EXPECT_EQ(fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(to_hex(fnv1a64("foobar")), "85944171f73967e8");
}

// The journal's checksum must see any one flipped bit, in the word lanes and in the tail, and a
// record cut or grown by zero bytes.
TEST(Hash, Checksum64SeesEveryFlippedBitAndEveryLength) {
  std::string bytes(101, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i)
    bytes[i] = static_cast<char>(i * 37 + 11);
  const std::uint64_t whole = checksum64(bytes);
  std::set<std::uint64_t> seen = {whole};
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string flipped = bytes;
      flipped[i] = static_cast<char>(flipped[i] ^ (1 << bit));
      EXPECT_TRUE(seen.insert(checksum64(flipped)).second) << "byte " << i << " bit " << bit;
    }
  }
  // A top-bit flip in a lane's word and the bit a rotation moves it to in the lane's next word
  // cancel in a plain multiply-then-rotate chain (seen in a first version).
  std::string twice = bytes;
  twice[7] = static_cast<char>(twice[7] ^ 0x80);
  twice[35] = static_cast<char>(twice[35] ^ 0x10);
  EXPECT_NE(checksum64(twice), whole);
  const std::string zeros(64, '\0');
  EXPECT_NE(checksum64(zeros), checksum64(zeros.substr(0, 63)));
  EXPECT_NE(checksum64(zeros), checksum64(zeros + '\0'));
}

}  // namespace
}  // namespace mirkit
