#!/usr/bin/python3
"""PyTorch's CPU time for the bench models, one thread, on the same windows as bench_nn.

  scripts/export_torch.py bench --out build/nn_bench
  scripts/bench_torch.py build/nn_bench

Loads each model file mirkit loads (description + weights), rebuilds it with export_torch's
builders, and times model(x) under torch.no_grad() for batches of 1 and 16 windows: the median of
several timed repeats after a warm-up, as per-window latency and windows per second. Times are
CPU time of the process (time.process_time), like the CPU column of Google Benchmark, so that a
machine shared with other work inflates neither side.
"""
import json
import os
import statistics
import struct
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


def main():
    directory = sys.argv[1] if len(sys.argv) > 1 else "build/nn_bench"
    torch.set_num_threads(1)
    with open(os.path.join(directory, "bench.json")) as f:
        windows = json.load(f)["windows"]
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}")
    print(f"{'model':<12} {'batch':>5} {'ms/window':>10} {'windows/s':>10}")
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
            print(f"{name:<12} {batch:>5} {seconds * 1e3:>10.3f} {1 / seconds:>10.1f}")


if __name__ == "__main__":
    main()
