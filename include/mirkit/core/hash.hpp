// Stable, non-cryptographic hashes for provenance: the same bytes give the same hash on every
// machine and in every version.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mirkit {

// 64-bit FNV-1a.
std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t seed = 0xcbf29ce484222325ULL);

// 16 lowercase hex digits.
std::string to_hex(std::uint64_t value);

}  // namespace mirkit
