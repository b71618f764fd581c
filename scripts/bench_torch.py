#!/usr/bin/python3
"""PyTorch's CPU time for the bench models, one thread, on the same windows as bench_nn.

  scripts/export_torch.py bench --out build/nn_bench
  scripts/bench_torch.py build/nn_bench [--mirkit build/release/bench/bench_nn]

With --mirkit, each model's bench_nn figures are measured right after PyTorch's (the machine is
shared: interleaving keeps both under the same load) and the ratio is printed.

Loads each model file mirkit loads (description + weights), rebuilds it with export_torch's
builders, and times model(x) under torch.no_grad() for batches of 1 and 16 windows: the median of
several timed repeats after a warm-up, as per-window latency and windows per second. Times are
CPU time of the process (time.process_time), like the CPU column of Google Benchmark, so that a
machine shared with other work inflates neither side.
"""
import argparse
import json
import os
import statistics
import struct
import subprocess
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_torch  # noqa: E402


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    metadata = json.loads(header.pop("__metadata__")["mirkit"])
    base = 8 + length
    tensors = {}
    for name, entry in header.items():
        a, b = entry["data_offsets"]
        tensors[name] = np.frombuffer(data[base + a:base + b], dtype="<f4").reshape(entry["shape"])
    return metadata, tensors


def time_forward(model, x, min_seconds=1.0, repeats=5):
    with torch.no_grad():
        for _ in range(3):
            model(x)
        # Iterations per repeat so that each lasts about min_seconds / repeats.
        start = time.process_time()
        model(x)
        once = max(time.process_time() - start, 1e-6)
        iterations = max(1, int(min_seconds / repeats / once))
        samples = []
        for _ in range(repeats):
            start = time.process_time()
            for _ in range(iterations):
                model(x)
            samples.append((time.process_time() - start) / iterations)
    return statistics.median(samples)


def mirkit_seconds(binary, directory, name, batch):
    """bench_nn's median CPU time per window, in seconds."""
    out = subprocess.run(
        [binary, f"--benchmark_filter=^BM_Nn/{name}/batch:{batch}$", "--benchmark_min_time=0.5",
         "--benchmark_repetitions=3", "--benchmark_report_aggregates_only=true",
         "--benchmark_format=json"],
        check=True, capture_output=True, text=True,
        env=dict(os.environ, MIRKIT_NN_BENCH_DIR=directory)).stdout
    for run in json.loads(out)["benchmarks"]:
        if run.get("aggregate_name") == "median":
            scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[run["time_unit"]]
            return run["cpu_time"] * scale / batch
    raise RuntimeError(f"no median for {name} batch {batch}")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("directory", nargs="?", default="build/nn_bench")
    parser.add_argument("--mirkit", help="bench_nn binary: measure it too, interleaved")
    args = parser.parse_args()
    directory = args.directory
    torch.set_num_threads(1)
    with open(os.path.join(directory, "bench.json")) as f:
        windows = json.load(f)["windows"]
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}; CPU ms per window")
    header = f"{'model':<12} {'batch':>5} {'torch ms':>9} {'windows/s':>10}"
    if args.mirkit:
        header += f" {'mirkit ms':>10} {'windows/s':>10} {'torch/mirkit':>12}"
    print(header)
    for name, shape in windows.items():
        metadata, tensors = read_safetensors(os.path.join(directory, name + ".safetensors"))
        model = export_torch.build_network(metadata["network"])
        # The file has no num_batches_tracked (training state); everything else must match.
        result = model.load_state_dict(
            {k: torch.from_numpy(v.copy()) for k, v in tensors.items()}, strict=False)
        assert not result.unexpected_keys, result.unexpected_keys
        assert all(k.endswith("num_batches_tracked") for k in result.missing_keys), result
        for batch in (1, 16):
            x = torch.randn(batch, *shape)
            seconds = time_forward(model, x) / batch
            line = f"{name:<12} {batch:>5} {seconds * 1e3:>9.3f} {1 / seconds:>10.1f}"
            if args.mirkit:
                ours = mirkit_seconds(args.mirkit, directory, name, batch)
                line += f" {ours * 1e3:>10.3f} {1 / ours:>10.1f} {seconds / ours:>12.2f}"
            print(line, flush=True)


if __name__ == "__main__":
    main()
