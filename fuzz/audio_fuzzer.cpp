// Audio decoding and feature extraction of arbitrary bytes, through a file as `extract` reads it
// (the decoders take paths; libsndfile and mpg123 sniff the format from the bytes): the file
// decoded at its own rate and channels, then a small MFCC recipe (configs/features/mfcc.json
// with a short analysis) run on it in pieces, as a long file would be.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "fuzz_support.hpp"
#include "mirkit/core/error.hpp"
#include "mirkit/features/extractor.hpp"
#include "mirkit/io/audio_reader.hpp"

namespace {

using namespace mirkit;

// Enough to reach every decoder's block loop many times; the input is at most a few kB, so a
// longer stream means a header that claims more than the file holds.
constexpr std::size_t kMaxSamples = 1 << 22;

void decode_natively(const std::filesystem::path& path) {
  io::DecodeOptions options;
  options.sample_rate = 0;
  options.mono = false;
  options.block_frames = 1024;
  io::AudioReader reader(path, options);
  std::vector<float> samples;
  while (samples.size() < kMaxSamples && reader.read(samples)) {
  }
}

features::FeatureExtractor& mfcc_recipe() {
  static features::FeatureExtractor extractor(Json::parse(R"({
    "analysis": {"sample_rate": 8000, "n_fft": 256, "hop_length": 128},
    "audio": {"duration_s": 4.0, "resample_quality": "fast"},
    "features": [{"name": "mfcc", "n_mfcc": 13, "n_mels": 40}],
    "pooling": {"stats": ["mean", "std"], "deltas": 1},
    "output": "pooled"
  })"),
                                              "fuzz-mfcc.json");
  return extractor;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::filesystem::path path = fuzz::write_scratch_file("fuzz.audio", data, size);
  try {
    decode_natively(path);
  } catch (const Error&) {
  }
  try {
    features::FeatureExtractor& extractor = mfcc_recipe();
    // Small pieces, so that a few seconds of audio cross piece boundaries as an hour would.
    (void)extractor.analyse_file(path, extractor.load_options(), 16);
  } catch (const Error&) {
  }
  return 0;
}
