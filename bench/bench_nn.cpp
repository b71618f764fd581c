// Per-window latency and windows per second of the six issue-6 architectures at bench size, one
// core. The models come from `scripts/export_torch.py bench --out DIR` (DIR in
// $MIRKIT_NN_BENCH_DIR, default build/nn_bench); scripts/bench_torch.py times PyTorch on the same
// files and window shapes (bench/README.md).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <random>

#include "mirkit/core/json.hpp"
#include "mirkit/nn/network.hpp"

namespace {

using mirkit::nn::Network;
using mirkit::nn::Shape;
using mirkit::nn::Tensor;

Tensor random_batch(std::int64_t batch, const Shape& window) {
  Shape shape = {batch};
  shape.insert(shape.end(), window.begin(), window.end());
  Tensor x(shape);
  std::mt19937 generator(6);
  std::normal_distribution<float> normal;
  for (float& v : x.values())
    v = normal(generator);
  return x;
}

void run(benchmark::State& state, const Network& network, const Shape& window, std::int64_t batch) {
  const Tensor x = random_batch(batch, window);
  for (auto _ : state) {
    Tensor y = network.forward(x);
    benchmark::DoNotOptimize(y.data());
  }
  state.counters["windows/s"] = benchmark::Counter(static_cast<double>(state.iterations() * batch),
                                                   benchmark::Counter::kIsRate);
  // CPU seconds per window, printed with an SI prefix (e.g. 532u = 0.532 ms).
  state.counters["s/window"] =
      benchmark::Counter(static_cast<double>(state.iterations() * batch),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

}  // namespace

int main(int argc, char** argv) {
  const char* env = std::getenv("MIRKIT_NN_BENCH_DIR");
  const std::string dir = env ? env : "build/nn_bench";
  std::ifstream list(dir + "/bench.json");
  if (!list) {
    std::cerr << "bench_nn: no " << dir << "/bench.json; run scripts/export_torch.py bench --out "
              << dir << " (or set MIRKIT_NN_BENCH_DIR)\n";
    return 2;
  }
  const mirkit::Json windows = mirkit::Json::parse(list)["windows"];
  // Networks live until the end of main: the registered benchmarks point at them.
  std::vector<std::unique_ptr<Network>> networks;
  for (const auto& [name, shape_json] : windows.items()) {
    networks.push_back(std::make_unique<Network>(Network::load(dir + "/" + name + ".safetensors")));
    const Network* network = networks.back().get();
    const Shape window = shape_json.get<Shape>();
    for (const std::int64_t batch : {1, 16}) {
      benchmark::RegisterBenchmark(("BM_Nn/" + name + "/batch:" + std::to_string(batch)).c_str(),
                                   [network, window, batch](benchmark::State& state) {
                                     run(state, *network, window, batch);
                                   })
          ->Unit(benchmark::kMillisecond);
    }
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
