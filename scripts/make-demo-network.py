#!/usr/bin/python3
"""A small network trained on the demo data, for `mirkit explain` to show a saliency map.

    scripts/make-demo-network.py MIRKIT DATA_DIR WORK_DIR OUT.safetensors

mirkit cannot train networks yet and the build has no PyTorch, so this fits the simplest network
that reads a log-mel spectrogram: the mean over time of 64 mel bands in dB (permute, global
average pool), then one linear layer to the classes — softmax regression, fitted here with numpy
by gradient descent on standardised inputs (the standardisation is folded into the weights). It
is written in mirkit's network format (docs/nn.md) with its frames recipe, so `mirkit predict`
and `mirkit explain` run it as any exported network. Deterministic: the same data give the same
file.
"""
import json, os, struct, subprocess, sys

import numpy as np

MELS = 64
FRAMES_RECIPE = {
    "description": "64 Slaney mel bands in dB, 2048-point frames every 512 samples at 22.05 kHz",
    "analysis": {"sample_rate": 22050, "n_fft": 2048, "hop_length": 512},
    "features": [{"name": "melspectrogram", "n_mels": MELS, "decibels": True}],
    "output": "frames",
}
# The same frames, averaged over each clip: what the network's global pool computes.
POOLED_RECIPE = dict(FRAMES_RECIPE, output="pooled", pooling={"stats": ["mean"]})


def read_safetensors(path):  # the reader of docs/formats.md
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = f.read()
    meta = json.loads(header.pop("__metadata__")["mirkit"])
    kinds = {"F32": "<f4", "F64": "<f8", "I64": "<i8"}
    tensors = {name: np.frombuffer(data[t["data_offsets"][0]:t["data_offsets"][1]],
                                   kinds[t["dtype"]]).reshape(t["shape"]) for name, t in header.items()}
    return meta, tensors


def write_safetensors(path, tensors, metadata):
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        blob = np.ascontiguousarray(tensors[name], dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape),
                        "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # tensors start 8-byte aligned
    with open(path + ".tmp", "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))
    os.replace(path + ".tmp", path)


def fit_softmax(x, y, classes, l2=1e-2, steps=3000, rate=0.5):
    w = np.zeros((classes, x.shape[1]))
    b = np.zeros(classes)
    onehot = np.eye(classes)[y]
    for _ in range(steps):
        logits = x @ w.T + b
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        g = (p - onehot) / len(y)
        w -= rate * (g.T @ x + l2 * w)
        b -= rate * g.sum(axis=0)
    return w, b


def main():
    mirkit, data, work, out = sys.argv[1:5]
    os.makedirs(work, exist_ok=True)
    recipe = os.path.join(work, "logmel-mean.json")
    with open(recipe, "w") as f:
        json.dump(POOLED_RECIPE, f)
    pooled = os.path.join(work, "logmel-mean.safetensors")
    subprocess.run([mirkit, "-q", "extract", data, "-c", recipe, "-o", pooled], check=True)
    meta, tensors = read_safetensors(pooled)
    x = tensors["features"].astype(np.float64)
    names = sorted({item["labels"][0] for item in meta["items"]})
    y = np.array([names.index(item["labels"][0]) for item in meta["items"]])
    mean, std = x.mean(axis=0), x.std(axis=0) + 1e-6
    w, b = fit_softmax((x - mean) / std, y, len(names))
    weight = w / std
    bias = b - weight @ mean
    accuracy = ((x @ weight.T + bias).argmax(axis=1) == y).mean()
    network = {"input_shape": [-1, MELS],
               "layers": [{"type": "permute", "dims": [0, 2, 1]},
                          {"type": "global_avg_pool"},
                          {"type": "linear", "in_features": MELS, "out_features": len(names)}]}
    description = {"format": "model", "kind": "nn", "version": 1, "network": network,
                   "classes": names, "output": "softmax", "features": FRAMES_RECIPE}
    write_safetensors(out, {"2.weight": weight.astype(np.float32), "2.bias": bias.astype(np.float32)},
                      {"mirkit": json.dumps(description, separators=(",", ":"))})
    print(f"make-demo-network.py: {out}: {len(names)} classes, training accuracy {accuracy:.3f}")


if __name__ == "__main__":
    main()
