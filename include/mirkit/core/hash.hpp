// Stable, non-cryptographic hashes for provenance: the same bytes give the same hash on every
// machine and in every version.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mirkit {

// 64-bit FNV-1a.
std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t seed = 0xcbf29ce484222325ULL);

// A checksum that tells a torn or corrupted record (the checkpoint journal's) from a whole one,
// at memory speed: xxHash64's round over 64-bit words in four lanes, then MurmurHash3's
// finaliser. Not for provenance: unlike fnv1a64 its values may change between versions.
std::uint64_t checksum64(std::string_view bytes);

// 16 lowercase hex digits.
std::string to_hex(std::uint64_t value);

}  // namespace mirkit
