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

// The networks to time: model files named on the command line (a pruned or distilled network
// beside the one it came from, in one run), else the issue-6 set in the bench directory.
struct Named {
  std::string name;
  std::unique_ptr<Network> network;
  Shape window;
};

std::vector<Named> from_arguments(int& argc, char** argv) {
  std::vector<Named> out;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (!arg.ends_with(".safetensors")) {
      argv[kept++] = argv[i];
      continue;
    }
    auto network = std::make_unique<Network>(Network::load(arg));
    const Shape window = network->input_shape();
    out.push_back({arg.substr(arg.find_last_of('/') + 1), std::move(network), window});
  }
  argc = kept;
  return out;
}

std::vector<Named> from_bench_dir() {
  const char* env = std::getenv("MIRKIT_NN_BENCH_DIR");
  const std::string dir = env ? env : "build/nn_bench";
  std::ifstream list(dir + "/bench.json");
  if (!list) {
    std::cerr << "bench_nn: no " << dir << "/bench.json; run scripts/export_torch.py bench --out "
              << dir << " (or set MIRKIT_NN_BENCH_DIR), or name model files\n";
    std::exit(2);
  }
  std::vector<Named> out;
  const mirkit::Json windows = mirkit::Json::parse(list)["windows"];
  for (const auto& [name, shape_json] : windows.items()) {
    out.push_back({name,
                   std::make_unique<Network>(Network::load(dir + "/" + name + ".safetensors")),
                   shape_json.get<Shape>()});
  }
  return out;
}

}  // namespace

// bench_nn [MODEL.safetensors …] [benchmark options]
int main(int argc, char** argv) {
  // Networks live until the end of main: the registered benchmarks point at them.
  std::vector<Named> networks = from_arguments(argc, argv);
  if (networks.empty()) networks = from_bench_dir();
  for (const Named& named : networks) {
    const Network* network = named.network.get();
    const Shape window = named.window;
    for (const std::int64_t batch : {1, 16}) {
      benchmark::RegisterBenchmark(
          ("BM_Nn/" + named.name + "/batch:" + std::to_string(batch)).c_str(),
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
