"""The ten-line numpy reader of docs/formats.md, checked against a file mirkit wrote.

    /usr/bin/python3 tests/python/read_features.py MIRKIT_BINARY CONFIG_DIR WORK_DIR

Makes a small labelled folder with mirkit's own test tones (written by sox-free code: a WAV
writer from the standard library), extracts it, reads the result back with the reader alone,
and checks shapes, names, labels, offsets and values against `mirkit export --format csv`.
"""
import csv, json, math, os, struct, subprocess, sys, wave

import numpy as np


# --- the reader, as docs/formats.md prints it -----------------------------------------------
def read_safetensors(path):
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = f.read()
    meta = json.loads(header.pop("__metadata__")["mirkit"])
    kinds = {"F32": "<f4", "F64": "<f8", "I64": "<i8", "I32": "<i4", "U8": "u1"}
    tensors = {name: np.frombuffer(data[t["data_offsets"][0]:t["data_offsets"][1]],
                                   kinds[t["dtype"]]).reshape(t["shape"]) for name, t in header.items()}
    return meta, tensors
# ----------------------------------------------------------------------------------------------


def write_tone(path, frequency, seconds=1.0, rate=22050):
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"".join(struct.pack("<h", int(12000 * math.sin(2 * math.pi * frequency * n / rate)))
                               for n in range(int(seconds * rate))))


def run(*args):
    subprocess.run(args, check=True, stderr=subprocess.DEVNULL)


def main():
    mirkit, configs, work = sys.argv[1:4]
    data = os.path.join(work, "data")
    for label, base in (("low", 220.0), ("high", 1760.0)):
        os.makedirs(os.path.join(data, label), exist_ok=True)
        for i in range(2):
            write_tone(os.path.join(data, label, f"{label}.{i}.wav"), base * (1 + 0.1 * i))

    pooled = os.path.join(work, "pooled.safetensors")
    run(mirkit, "extract", data, "-c", os.path.join(configs, "features", "gtzan.json"), "-o", pooled)
    meta, tensors = read_safetensors(pooled)
    features = tensors["features"]
    assert meta["format"] == "features" and meta["layout"] == "pooled", meta["layout"]
    assert features.shape == (4, len(meta["names"])) == (4, 91), features.shape
    assert [item["labels"] for item in meta["items"]] == [["high"], ["high"], ["low"], ["low"]]
    exported = os.path.join(work, "pooled.csv")
    run(mirkit, "export", pooled, "--format", "csv", "-o", exported)
    with open(exported) as f:
        rows = list(csv.reader(f))
    assert rows[0][3:] == meta["names"]
    assert np.array_equal(np.array([[float(v) for v in row[3:]] for row in rows[1:]], np.float32), features)

    frames = os.path.join(work, "frames.safetensors")
    run(mirkit, "extract", data, "-c", os.path.join(configs, "features", "logmel-patches.json"), "-o", frames)
    meta, tensors = read_safetensors(frames)
    offsets = tensors["offsets"]
    assert meta["layout"] == "frames" and offsets.shape == (5,) and offsets[0] == 0
    assert offsets[-1] == tensors["frames"].shape[0] and tensors["frames"].shape[1] == len(meta["names"])
    first = tensors["frames"][offsets[0]:offsets[1]]  # the first item's frame sequence
    assert first.shape[0] == 1 + 22050 // 512, first.shape
    print("numpy reader: ok (pooled", features.shape, "frames", tensors["frames"].shape, ")")


if __name__ == "__main__":
    main()
