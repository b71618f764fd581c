// Agreement with the references in tests/data/golden (librosa.resample with soxr_hq): the
// signal-to-difference ratio below 0.9 × the output Nyquist, where both filters are flat.
// Tolerance: the golden README recommends ≥ 60 dB on music44k; librosa's own kaiser_best
// reaches 64.5 dB there. Our measured figures are asserted a little below what we measure, so
// that a regression shows.
#include <gtest/gtest.h>

#include "mirkit/io/resampler.hpp"
#include "support/npy.hpp"
#include "support/spectrum.hpp"

namespace mirkit::io {
namespace {

double snr_against(const std::string& signal, int in_rate, const std::string& reference,
                   int out_rate) {
  const auto x = test::load_golden_signal(signal);
  const auto expected = test::load_golden_signal(reference);
  const auto y = resample(x, in_rate, out_rate);
  EXPECT_EQ(y.size(), expected.size());
  return test::band_limited_snr_db(expected, y, out_rate, 0.9 * 0.5 * std::min(in_rate, out_rate));
}

TEST(ResamplerGolden, Music44kTo22050MatchesSoxrHq) {
  const double snr =
      snr_against("signal_music44k", 44100, "music44k_resample_22050_soxr_hq", 22050);
  RecordProperty("snr_db", std::to_string(snr));
  std::cout << "music44k -> 22050 vs soxr_hq: " << snr << " dB below 0.9 Nyquist\n";
  EXPECT_GE(snr, 60.0);
}

TEST(ResamplerGolden, Music44kTo22050BeatsKaiserBestAgreement) {
  // librosa's kaiser_best measured against soxr_hq the same way: our figure should be no worse.
  const auto kaiser = test::load_golden_signal("music44k_resample_22050_kaiser_best");
  const auto soxr = test::load_golden_signal("music44k_resample_22050_soxr_hq");
  const double kaiser_snr = test::band_limited_snr_db(soxr, kaiser, 22050, 0.9 * 11025);
  const double ours =
      snr_against("signal_music44k", 44100, "music44k_resample_22050_soxr_hq", 22050);
  std::cout << "kaiser_best vs soxr_hq: " << kaiser_snr << " dB; mirkit: " << ours << " dB\n";
  EXPECT_GE(ours, kaiser_snr);
}

TEST(ResamplerGolden, Chirp44kTo22050MatchesSoxrHq) {
  const double snr =
      snr_against("signal_chirp44k", 44100, "chirp44k_resample_22050_soxr_hq", 22050);
  std::cout << "chirp44k -> 22050 vs soxr_hq: " << snr << " dB\n";
  EXPECT_GE(snr, 60.0);
}

TEST(ResamplerGolden, Chirp48kTo22050MatchesSoxrHq) {
  const double snr =
      snr_against("signal_chirp48k", 48000, "chirp48k_resample_22050_soxr_hq", 22050);
  std::cout << "chirp48k -> 22050 vs soxr_hq: " << snr << " dB\n";
  EXPECT_GE(snr, 60.0);
}

TEST(ResamplerGolden, Sines8kTo22050MatchesSoxrHq) {
  const double snr = snr_against("signal_sines8k", 8000, "sines8k_resample_22050_soxr_hq", 22050);
  std::cout << "sines8k -> 22050 vs soxr_hq: " << snr << " dB\n";
  EXPECT_GE(snr, 60.0);
}

TEST(ResamplerGolden, Music22050To16000MatchesSoxrHq) {
  const double snr = snr_against("signal_music", 22050, "music_resample_16000_soxr_hq", 16000);
  std::cout << "music 22050 -> 16000 vs soxr_hq: " << snr << " dB\n";
  EXPECT_GE(snr, 60.0);
}

}  // namespace
}  // namespace mirkit::io
