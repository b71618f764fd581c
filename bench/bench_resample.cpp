// Resampler speed, next to the machine's bare FFT speed measured in the same run (machines here
// are shared and noisy: compare ratios, not seconds).
//
//   build/release/bench/bench_resample --benchmark_min_time=1
//
// Resample/30s_44k1_stereo_to_22k05_mono/high is the target case: 30 s of 44.1 kHz
// stereo to 22.05 kHz mono (downmix included). BareFft/30s_22k05_frames is FFTW's r2c of the
// 1292 frames (n_fft 2048, hop 512) that 30 s at 22.05 kHz makes: the cost floor of an STFT.
#include <benchmark/benchmark.h>
#include <fftw3.h>

#include <cmath>
#include <numbers>
#include <random>
#include <vector>

#ifdef MIRKIT_BENCH_SOXR
#include <soxr.h>
#endif

#include "mirkit/io/audio_ops.hpp"
#include "mirkit/io/resampler.hpp"

namespace {

using mirkit::io::ResampleQuality;

std::vector<float> stereo_music_like(int rate, double seconds) {
  // Tones plus noise: the resampler's cost does not depend on the content.
  const auto frames = static_cast<std::size_t>(rate * seconds);
  std::vector<float> x(2 * frames);
  std::mt19937 rng(3);
  std::normal_distribution<float> noise(0.0f, 0.05f);
  for (std::size_t n = 0; n < frames; ++n) {
    const double t = static_cast<double>(n) / rate;
    x[2 * n] = static_cast<float>(0.3 * std::sin(2 * std::numbers::pi * 440 * t)) + noise(rng);
    x[2 * n + 1] = static_cast<float>(0.3 * std::sin(2 * std::numbers::pi * 660 * t)) + noise(rng);
  }
  return x;
}

void resample_stereo_to_mono(benchmark::State& state, int in_rate, int out_rate,
                             ResampleQuality quality) {
  const auto input = stereo_music_like(in_rate, 30.0);
  std::vector<float> mono;
  std::vector<float> output;
  for (auto _ : state) {
    mono.clear();
    mirkit::io::append_downmix(input, 2, mono);
    output = mirkit::io::resample(mono, in_rate, out_rate, quality);
    benchmark::DoNotOptimize(output.data());
  }
  state.counters["x_realtime"] = benchmark::Counter(30.0 * static_cast<double>(state.iterations()),
                                                    benchmark::Counter::kIsRate);
}

void BM_Resample_44k1_to_22k05_high(benchmark::State& state) {
  resample_stereo_to_mono(state, 44100, 22050, ResampleQuality::high);
}
void BM_Resample_44k1_to_22k05_fast(benchmark::State& state) {
  resample_stereo_to_mono(state, 44100, 22050, ResampleQuality::fast);
}
void BM_Resample_48k_to_22k05_high(benchmark::State& state) {
  resample_stereo_to_mono(state, 48000, 22050, ResampleQuality::high);
}
void BM_Resample_96k_to_44k1_high(benchmark::State& state) {
  resample_stereo_to_mono(state, 96000, 44100, ResampleQuality::high);
}

#ifdef MIRKIT_BENCH_SOXR
// libsoxr's HQ setting (the one librosa's "soxr_hq" asks for) on the same work: the downmix and
// 44.1 kHz → 22.05 kHz of one 30 s clip, the reference issue 19 measures the resampler against.
void BM_Soxr_44k1_to_22k05_hq(benchmark::State& state) {
  const auto input = stereo_music_like(44100, 30.0);
  std::vector<float> mono;
  std::vector<float> output(mono.size() / 2 + 64);
  const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
  for (auto _ : state) {
    mono.clear();
    mirkit::io::append_downmix(input, 2, mono);
    output.resize(mono.size() / 2 + 64);
    std::size_t done = 0;
    const soxr_error_t error =
        soxr_oneshot(44100, 22050, 1, mono.data(), mono.size(), nullptr, output.data(),
                     output.size(), &done, nullptr, &quality, nullptr);
    if (error) state.SkipWithError(error);
    benchmark::DoNotOptimize(output.data());
  }
  state.counters["x_realtime"] = benchmark::Counter(30.0 * static_cast<double>(state.iterations()),
                                                    benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Soxr_44k1_to_22k05_hq)->Unit(benchmark::kMillisecond);
#endif

void BM_BareFft_30s_22k05_frames(benchmark::State& state) {
  constexpr int kFft = 2048;
  constexpr int kFrames = 1 + 30 * 22050 / 512;
  std::vector<float> frame(kFft);
  std::mt19937 rng(5);
  std::normal_distribution<float> noise(0.0f, 0.1f);
  for (float& s : frame)
    s = noise(rng);
  std::vector<fftwf_complex> spectrum(kFft / 2 + 1);
  fftwf_plan plan = fftwf_plan_dft_r2c_1d(kFft, frame.data(), spectrum.data(), FFTW_ESTIMATE);
  for (auto _ : state) {
    for (int f = 0; f < kFrames; ++f) {
      fftwf_execute_dft_r2c(plan, frame.data(), spectrum.data());
      benchmark::DoNotOptimize(spectrum.data());
    }
  }
  fftwf_destroy_plan(plan);
}

}  // namespace

BENCHMARK(BM_Resample_44k1_to_22k05_high)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Resample_44k1_to_22k05_fast)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Resample_48k_to_22k05_high)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Resample_96k_to_44k1_high)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BareFft_30s_22k05_frames)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
