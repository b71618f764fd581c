// Feature extraction speed on one core, from decoded 22.05 kHz mono audio, next to the bare FFTW
// transforms of the same frames measured in the same run.
//
//   build/release/bench/bench_features --benchmark_min_time=1
//
// BM_BareStft: windowed frames → FFTW r2c (n_fft 2048, hop 512) for a 30 s clip: the floor that
// any STFT-based pipeline pays. BM_Recipe/<name>: a shipped recipe from configs/features/ on the
// same clip, pooled to its vector. BM_Feature/<name>: one feature alone with its defaults
// (including its own STFT), so its realtime factor can be read off.
#include <benchmark/benchmark.h>
#include <fftw3.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <vector>

#include "mirkit/dsp/hpss.hpp"
#include "mirkit/dsp/stft.hpp"
#include "mirkit/features/extractor.hpp"

namespace {

constexpr int kRate = 22050;
constexpr double kSeconds = 30.0;

const std::vector<float>& clip() {
  // Tones, a sweep and noise: a stand-in for music (the cost hardly depends on the content).
  static const std::vector<float> signal = [] {
    std::vector<float> x(static_cast<std::size_t>(kRate * kSeconds));
    std::mt19937 rng(11);
    std::normal_distribution<float> noise(0.0f, 0.05f);
    for (std::size_t n = 0; n < x.size(); ++n) {
      const double t = static_cast<double>(n) / kRate;
      x[n] = static_cast<float>(
                 0.2 * std::sin(2 * std::numbers::pi * 220 * t) +
                 0.1 * std::sin(2 * std::numbers::pi * 330 * t * (1 + 0.01 * std::sin(t))) +
                 0.1 * std::sin(2 * std::numbers::pi * (200 + 100 * t) * t)) +
             noise(rng) * static_cast<float>(0.5 + 0.5 * std::sin(2 * std::numbers::pi * 2 * t));
    }
    return x;
  }();
  return signal;
}

void report_realtime(benchmark::State& state) {
  state.counters["x_realtime"] = benchmark::Counter(
      kSeconds * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

// A bare FFTW r2c plan of n points with its buffers, for the floors below.
struct BarePlan {
  explicit BarePlan(int n)
      : in(fftwf_alloc_real(static_cast<std::size_t>(n))),
        out(fftwf_alloc_complex(static_cast<std::size_t>(n / 2 + 1))),
        plan(fftwf_plan_dft_r2c_1d(n, in, out, FFTW_ESTIMATE)) {}
  ~BarePlan() {
    fftwf_destroy_plan(plan);
    fftwf_free(in);
    fftwf_free(out);
  }
  BarePlan(const BarePlan&) = delete;
  BarePlan& operator=(const BarePlan&) = delete;

  float* in;
  fftwf_complex* out;
  fftwf_plan plan;
};

void BM_BareStft(benchmark::State& state) {
  constexpr int kFft = 2048, kHop = 512;
  const std::vector<float>& x = clip();
  const int frames = 1 + static_cast<int>(x.size()) / kHop;
  // The signal zero-padded by n_fft/2 on both sides once, outside the timing: what remains is
  // the floor, windowing and one r2c transform per frame, results left in FFTW's buffer.
  std::vector<float> padded(x.size() + kFft, 0.0f);
  std::copy(x.begin(), x.end(), padded.begin() + kFft / 2);
  BarePlan bare(kFft);
  std::vector<float> window(kFft);
  for (int i = 0; i < kFft; ++i) {
    window[static_cast<std::size_t>(i)] =
        static_cast<float>(0.5 - 0.5 * std::cos(2 * std::numbers::pi * i / kFft));
  }
  for (auto _ : state) {
    for (int f = 0; f < frames; ++f) {
      const float* frame = padded.data() + static_cast<std::size_t>(f) * kHop;
      for (int i = 0; i < kFft; ++i)
        bare.in[i] = frame[i] * window[static_cast<std::size_t>(i)];
      fftwf_execute(bare.plan);
      benchmark::DoNotOptimize(bare.out);
    }
  }
  report_realtime(state);
}
BENCHMARK(BM_BareStft)->Unit(benchmark::kMillisecond);

// The transforms chroma_cqt's algorithm (librosa's: one STFT per octave, the signal halved
// between octaves) cannot avoid: 36 bins per octave make filters up to 548 samples long at each
// octave's rate, so n_fft 1024 in all 7 octaves, and 1292 frames in each (the hop halves with
// the rate). Frames of the clip stand in for the octaves' signals: FFTW's cost does not depend
// on the content. The floor BM_Feature/chroma_cqt and tonnetz are read against.
void BM_BareFft_ChromaCqtOctaves(benchmark::State& state) {
  constexpr int kFft = 1024, kOctaves = 7, kHop = 512;
  const std::vector<float>& x = clip();
  const int frames = 1 + static_cast<int>(x.size()) / kHop;
  BarePlan bare(kFft);
  for (auto _ : state) {
    for (int octave = 0; octave < kOctaves; ++octave) {
      for (int f = 0; f + 1 < frames; ++f) {
        std::copy_n(x.data() + static_cast<std::size_t>(f) * kHop, kFft, bare.in);
        fftwf_execute(bare.plan);
        benchmark::DoNotOptimize(bare.out);
      }
    }
  }
  report_realtime(state);
}
BENCHMARK(BM_BareFft_ChromaCqtOctaves)->Unit(benchmark::kMillisecond);

void BM_StftMagnitude(benchmark::State& state) {
  mirkit::dsp::Stft stft;
  for (auto _ : state)
    benchmark::DoNotOptimize(stft.magnitude(clip()).data());
  report_realtime(state);
}
BENCHMARK(BM_StftMagnitude)->Unit(benchmark::kMillisecond);

// Harmonic–percussive separation of the clip's magnitude spectrogram (1292 frames × 1025 bins):
// two median filters of 31 and the soft masks, what chroma or onsets "from the harmonic part" add.
void BM_Hpss(benchmark::State& state) {
  mirkit::dsp::Stft stft;
  const mirkit::dsp::Matrix magnitude = stft.magnitude(clip());
  for (auto _ : state)
    benchmark::DoNotOptimize(mirkit::dsp::hpss(magnitude).harmonic.data());
  report_realtime(state);
}
BENCHMARK(BM_Hpss)->Unit(benchmark::kMillisecond);

void run_extractor(benchmark::State& state, mirkit::features::FeatureExtractor& extractor) {
  for (auto _ : state) {
    if (extractor.output() == mirkit::features::OutputKind::frames) {
      benchmark::DoNotOptimize(extractor.frames(clip()).data());
    } else {
      benchmark::DoNotOptimize(extractor.pooled(clip()).data());
    }
  }
  report_realtime(state);
}

void BM_Recipe(benchmark::State& state, const std::string& name) {
  auto extractor = mirkit::features::FeatureExtractor::from_file(std::string(MIRKIT_CONFIG_DIR) +
                                                                 "/features/" + name + ".json");
  run_extractor(state, extractor);
}

void BM_MfccFrames(benchmark::State& state) {
  // The MFCC pipeline alone (STFT → power → 128 mel → dB → DCT), no deltas, no pooling.
  mirkit::features::FeatureExtractor extractor(
      mirkit::Json::parse(R"({"features": [{"name": "mfcc"}], "output": "frames"})"));
  run_extractor(state, extractor);
}
BENCHMARK(BM_MfccFrames)->Unit(benchmark::kMillisecond);

// What a worker's set-up costs: building full.json's extractor (every filter bank, CQT kernel
// and DCT basis) against copying a built one (its own STFT and buffers, the features shared), as
// extract, predict and the augmentation copies now do once per worker.
void BM_ExtractorSetup(benchmark::State& state, bool copy) {
  const std::string path = std::string(MIRKIT_CONFIG_DIR) + "/features/full.json";
  const auto built = mirkit::features::FeatureExtractor::from_file(path);
  for (auto _ : state) {
    auto extractor = copy ? built : mirkit::features::FeatureExtractor::from_file(path);
    benchmark::DoNotOptimize(&extractor);
  }
}
BENCHMARK_CAPTURE(BM_ExtractorSetup, build_full, false)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ExtractorSetup, copy_full, true)->Unit(benchmark::kMillisecond);

void BM_Feature(benchmark::State& state, const std::string& name) {
  mirkit::features::FeatureExtractor extractor(
      mirkit::Json{{"features", mirkit::Json::array({mirkit::Json{{"name", name}}})},
                   {"pooling", {{"stats", {"mean"}}}}});
  run_extractor(state, extractor);
}

const int kRegistered = [] {
  for (const char* recipe : {"mfcc", "gtzan", "full", "logmel-patches"}) {
    benchmark::RegisterBenchmark((std::string("BM_Recipe/") + recipe).c_str(),
                                 [recipe](benchmark::State& s) { BM_Recipe(s, recipe); })
        ->Unit(benchmark::kMillisecond);
  }
  for (const auto& definition : mirkit::features::feature_registry()) {
    benchmark::RegisterBenchmark(
        ("BM_Feature/" + definition.name).c_str(),
        [name = definition.name](benchmark::State& s) { BM_Feature(s, name); })
        ->Unit(benchmark::kMillisecond);
  }
  return 0;
}();

}  // namespace

BENCHMARK_MAIN();
