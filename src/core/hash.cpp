#include "mirkit/core/hash.hpp"

#include <bit>
#include <cstdio>
#include <cstring>

namespace mirkit {

std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t seed) {
  std::uint64_t hash = seed;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::uint64_t checksum64(std::string_view bytes) {
  // xxHash64's round over 64-bit words in four lanes, so that four multiplies are in flight at
  // once: the word is multiplied before it is added, so no single flipped bit can be undone by
  // another (a multiply never carries a top-bit difference down; the rotation brings it back).
  constexpr std::uint64_t kP1 = 0x9e3779b185ebca87ULL, kP2 = 0xc2b2ae3d27d4eb4fULL;
  std::uint64_t lanes[4] = {kP1 + kP2, kP2, 0, 0 - kP1};
  const char* at = bytes.data();
  std::size_t left = bytes.size();
  for (; left >= sizeof lanes; at += sizeof lanes, left -= sizeof lanes) {
    for (int l = 0; l < 4; ++l) {
      std::uint64_t word = 0;
      std::memcpy(&word, at + 8 * l, 8);
      lanes[l] = std::rotl(lanes[l] + word * kP2, 31) * kP1;
    }
  }
  // MurmurHash3's finaliser between the lanes and at the end, so that a difference in any lane
  // or in the tail reaches every bit.
  const auto mix = [](std::uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    return x ^ (x >> 33);
  };
  std::uint64_t hash = bytes.size();
  for (const std::uint64_t lane : lanes)
    hash = mix(hash ^ lane);
  return mix(fnv1a64(std::string_view(at, left), hash));
}

std::string to_hex(std::uint64_t value) {
  char text[17];
  std::snprintf(text, sizeof(text), "%016llx", static_cast<unsigned long long>(value));
  return text;
}

}  // namespace mirkit
