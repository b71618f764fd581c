// Waveform augmentation speed on one core: time_stretch and pitch_shift of a 3 s clip at
// 22.05 kHz (one training example), next to mirkit's forward STFT of the same clip measured in
// the same run (both augmentations start with it; read the ratios on a shared machine).
//
//   build/release/bench/bench_augment --benchmark_min_time=1
#include <benchmark/benchmark.h>

#include <algorithm>
#include <random>
#include <vector>

#include "mirkit/dsp/pitch_shift.hpp"
#include "mirkit/dsp/time_stretch.hpp"

namespace {

constexpr int kRate = 22050;
constexpr double kSeconds = 3.0;

// Noise: neither the vocoder's nor the resampler's cost depends on the content.
const std::vector<float>& clip() {
  static const std::vector<float> signal = [] {
    std::vector<float> x(static_cast<std::size_t>(kRate * kSeconds));
    std::mt19937 rng(11);
    std::uniform_real_distribution<float> noise(-0.5f, 0.5f);
    std::generate(x.begin(), x.end(), [&] { return noise(rng); });
    return x;
  }();
  return signal;
}

void report_realtime(benchmark::State& state) {
  state.counters["x_realtime"] = benchmark::Counter(
      kSeconds * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_StftComplex(benchmark::State& state) {
  mirkit::dsp::Stft stft;
  for (auto _ : state) {
    auto spectrum = stft.complex(clip());
    benchmark::DoNotOptimize(spectrum.data());
  }
  report_realtime(state);
}

// Argument: the rate in hundredths (50 and 80: slower and longer; 125: faster).
void BM_TimeStretch(benchmark::State& state) {
  const double rate = static_cast<double>(state.range(0)) / 100.0;
  for (auto _ : state) {
    auto stretched = mirkit::dsp::time_stretch(clip(), rate);
    benchmark::DoNotOptimize(stretched.data());
  }
  report_realtime(state);
}

// Argument: semitones. The first call designs the resampling filter (cached afterwards, as in a
// training run that draws from a few shifts); the timing is of the calls after it.
void BM_PitchShift(benchmark::State& state) {
  const auto semitones = static_cast<double>(state.range(0));
  benchmark::DoNotOptimize(mirkit::dsp::pitch_shift(clip(), kRate, semitones).data());
  for (auto _ : state) {
    auto shifted = mirkit::dsp::pitch_shift(clip(), kRate, semitones);
    benchmark::DoNotOptimize(shifted.data());
  }
  report_realtime(state);
}

BENCHMARK(BM_StftComplex)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TimeStretch)->Arg(50)->Arg(80)->Arg(125)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PitchShift)->Arg(-5)->Arg(2)->Arg(12)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
