// The random numbers of every model and network: xoshiro256** seeded through splitmix64 (Blackman &
// Vigna 2018), with our own uniform/normal draws, so a seed gives the same model with any standard
// library (std::*_distribution is implementation-defined).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <utility>
#include <vector>

namespace mirkit {

inline std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// An independent stream for part `stream` (a tree, a fold) of a run seeded with `seed`: the
// same whatever order or thread the parts run in.
inline std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t state = seed ^ (0xd1b54a32d192ed03ULL * (stream + 1));
  return splitmix64(state);
}

// [0, n) from a stream's 64-bit draws, unbiased: draws above the last whole multiple of n are
// rejected.
template <class Stream>
std::size_t uniform_index(Stream& stream, std::size_t n) {
  const std::uint64_t bound = n;
  const std::uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
  for (;;) {
    const std::uint64_t v = stream.next();
    if (v < limit) return static_cast<std::size_t>(v % bound);
  }
}

// Fisher–Yates, from the back.
template <class Stream, typename T>
void shuffle_with(Stream& stream, std::vector<T>& values) {
  for (std::size_t i = values.size(); i > 1; --i)
    std::swap(values[i - 1], values[uniform_index(stream, i)]);
}

// The splitmix64 sequence itself (Steele, Lea & Flood 2014): the draws of `mirkit split`, kept
// as first published so that a seed still gives the same split.
class SplitMix {
 public:
  explicit SplitMix(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() { return splitmix64(state_); }
  std::size_t index(std::size_t n) { return uniform_index(*this, n); }
  template <typename T>
  void shuffle(std::vector<T>& values) {
    shuffle_with(*this, values);
  }

 private:
  std::uint64_t state_;
};

class Random {
 public:
  explicit Random(std::uint64_t seed) {
    for (std::uint64_t& word : s_)
      word = splitmix64(seed);
  }

  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  std::size_t index(std::size_t n) { return uniform_index(*this, n); }  // [0, n), unbiased
  // Standard normal (Box–Muller; the second value is dropped to keep the stream simple).
  double normal() {
    const double u1 = 1.0 - uniform();  // (0, 1]
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }
  template <typename T>
  void shuffle(std::vector<T>& values) {
    shuffle_with(*this, values);
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

}  // namespace mirkit
