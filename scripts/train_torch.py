#!/usr/bin/python3
"""Trains a mirkit network recipe in PyTorch, and the same recipe with `mirkit train`, on the same
feature files, and reports both held-out accuracies and each one's time per epoch on one thread.

  scripts/train_torch.py --mirkit build/release/apps/mirkit/mirkit \
      --train data/work/logmel-train.safetensors --test data/work/logmel-test.safetensors \
      --recipe configs/models/cnn.json [--recipe configs/models/crnn.json] [--out DIR] \
      [--epochs N]

Run by hand (it is a comparison, not a test): it needs Debian's python3-torch and python3-numpy.

What is the same in both: the network (scripts/export_torch.build_network of the recipe's
description), the initialisation (PyTorch's defaults, which mirkit copies), the optimiser and
its settings (Adam with L2 weight decay, or SGD with momentum), the schedule (warmup then cosine
or steps, per epoch), the loss, batch and micro-batch sizes (batch norm sees a micro-batch:
PyTorch runs each micro-batch forward and backward and steps once per batch), windows drawn at
random offsets, windows_per_clip, SpecAugment masks and random gain with the recipe's
parameters, the validation fraction, the best epoch by validation loss or accuracy, early
stopping, and the clip score on the test set (windows of the input length every window length,
the last one ending at the clip's end, zero-padded when short, softmax probabilities averaged).
What differs: the random draws (another generator), so the two runs are two samples of the same
training procedure; with 12 test clips a difference of one or two clips (8 to 17 points) is noise.
"""
import argparse
import json
import math
import os
import re
import struct
import subprocess
import sys
import time

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_torch  # noqa: E402


def read_features(path):
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = f.read()
    meta = json.loads(header.pop("__metadata__")["mirkit"])
    kinds = {"F32": "<f4", "I64": "<i8"}
    tensors = {name: np.frombuffer(data[t["data_offsets"][0]:t["data_offsets"][1]],
                                   kinds[t["dtype"]]).reshape(t["shape"])
               for name, t in header.items()}
    frames, offsets = tensors["frames"], tensors["offsets"]
    clips = [frames[offsets[i]:offsets[i + 1]] for i in range(len(offsets) - 1)]
    labels = [item["labels"][0] for item in meta["items"]]
    return clips, labels


DEFAULTS = {"epochs": 30, "batch_size": 32, "micro_batch": 16, "windows_per_clip": 1,
            "optimizer": "adam", "learning_rate": 1e-3, "momentum": 0.9, "nesterov": False,
            "beta1": 0.9, "beta2": 0.999, "weight_decay": 0.0, "schedule": "cosine",
            "warmup_epochs": 0, "step_size": 10, "step_gamma": 0.1, "min_learning_rate": 0.0,
            "loss": "cross_entropy", "validation_fraction": 0.15, "monitor": "val_loss",
            "patience": 10, "seed": 0}
AUGMENT = {"time_masks": 0, "time_mask_width": 16, "freq_masks": 0, "freq_mask_width": 12,
           "gain_probability": 0.0, "gain_db": [-6, 6]}


def learning_rate(t, epoch):
    base, warmup, epochs = t["learning_rate"], t["warmup_epochs"], t["epochs"]
    if epoch < warmup:
        return base * (epoch + 1) / (warmup + 1)
    e, span = epoch - warmup, max(1, epochs - warmup)
    if t["schedule"] == "step":
        return base * t["step_gamma"] ** (e // t["step_size"])
    if t["schedule"] == "cosine":
        low = t["min_learning_rate"]
        return low + (base - low) * 0.5 * (1 + math.cos(math.pi * e / span))
    return base


def window_of(clip, start, window):
    out = np.zeros((window, clip.shape[1]), dtype=np.float32)
    part = clip[start:start + window]
    out[:len(part)] = part
    return out


def augment(patch, a, rng):
    if a["gain_probability"] > 0 and rng.random() < a["gain_probability"]:
        patch += rng.uniform(*a["gain_db"])
    if a["time_masks"] or a["freq_masks"]:
        fill = patch.mean()
        for _ in range(a["time_masks"]):
            width = min(rng.integers(0, a["time_mask_width"] + 1), patch.shape[0])
            start = rng.integers(0, patch.shape[0] - width + 1)
            patch[start:start + width] = fill
        for _ in range(a["freq_masks"]):
            width = min(rng.integers(0, a["freq_mask_width"] + 1), patch.shape[1])
            start = rng.integers(0, patch.shape[1] - width + 1)
            patch[:, start:start + width] = fill
    return patch


def clip_probabilities(model, clip, window, item_shape):
    starts = list(range(0, max(len(clip) - window, -1) + 1, window)) or [0]
    if len(clip) > window and starts[-1] + window < len(clip):
        starts.append(len(clip) - window)
    batch = np.stack([window_of(clip, s, window) for s in starts]).reshape(-1, *item_shape)
    with torch.no_grad():
        p = torch.softmax(model(torch.from_numpy(batch)), dim=1).numpy()
    return p.mean(axis=0)


def split(labels, fraction, rng):
    held = set()
    for c in sorted(set(labels)):
        members = [i for i, l in enumerate(labels) if l == c]
        rng.shuffle(members)
        take = min(round(fraction * len(members)), len(members) - 1)
        held.update(members[:take])
    return [i for i in range(len(labels)) if i not in held], sorted(held)


def train_torch(recipe, train, test):
    t = dict(DEFAULTS, **recipe.get("training", {}))
    a = dict(AUGMENT, **recipe.get("augment", {}))
    clips, labels = train
    classes = sorted(set(labels))
    target = np.array([classes.index(l) for l in labels])
    description = json.loads(json.dumps(recipe["network"]).replace('"classes"', str(len(classes))))
    item_shape = description["input_shape"]
    dims = clips[0].shape[1]
    window = int(np.prod(item_shape)) // dims
    torch.manual_seed(t["seed"])
    rng = np.random.default_rng(t["seed"])
    model = export_torch.build_network(description)
    decay = [p for n, p in model.named_parameters() if n.endswith("weight") and p.dim() > 1]
    rest = [p for n, p in model.named_parameters() if not (n.endswith("weight") and p.dim() > 1)]
    groups = [{"params": decay, "weight_decay": t["weight_decay"]},
              {"params": rest, "weight_decay": 0.0}]
    if t["optimizer"] == "sgd":
        optimizer = torch.optim.SGD(groups, lr=t["learning_rate"], momentum=t["momentum"],
                                    nesterov=t["nesterov"])
    elif t["optimizer"] == "adamw":
        optimizer = torch.optim.AdamW(groups, lr=t["learning_rate"], betas=(t["beta1"], t["beta2"]))
    else:
        optimizer = torch.optim.Adam(groups, lr=t["learning_rate"], betas=(t["beta1"], t["beta2"]))
    training, validation = split(labels, t["validation_fraction"], rng)
    best, best_state, since, epoch_seconds = None, None, 0, []
    for epoch in range(t["epochs"]):
        start = time.perf_counter()
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(t, epoch)
        model.train()
        order = [i for i in training for _ in range(t["windows_per_clip"])]
        rng.shuffle(order)
        for first in range(0, len(order), t["batch_size"]):
            batch = order[first:first + t["batch_size"]]
            optimizer.zero_grad()
            for m in range(0, len(batch), t["micro_batch"]):
                part = batch[m:m + t["micro_batch"]]
                x = []
                for i in part:
                    clip = clips[i]
                    offset = rng.integers(0, len(clip) - window + 1) if len(clip) > window else 0
                    x.append(augment(window_of(clip, offset, window), a, rng))
                x = torch.from_numpy(np.stack(x).reshape(-1, *item_shape))
                y = torch.from_numpy(target[part])
                loss = nn.functional.cross_entropy(model(x), y, reduction="sum") / len(batch)
                loss.backward()
            optimizer.step()
        model.eval()
        if validation:
            p = [clip_probabilities(model, clips[i], window, item_shape) for i in validation]
            val_loss = -np.mean([math.log(max(p[k][target[i]], 1e-7))
                                 for k, i in enumerate(validation)])
            val_acc = np.mean([p[k].argmax() == target[i] for k, i in enumerate(validation)])
            score = val_acc - 1e-6 * val_loss if t["monitor"] == "val_accuracy" else -val_loss
        else:
            score = epoch
        epoch_seconds.append(time.perf_counter() - start)  # as mirkit's: training + validation
        if best is None or score > best:
            best, since = score, 0
            best_state = {k: v.clone() for k, v in model.state_dict().items()}
        else:
            since += 1
        if t["patience"] and since >= t["patience"] and validation:
            break
    model.load_state_dict(best_state)
    model.eval()
    test_clips, test_labels = test
    correct = sum(classes[clip_probabilities(model, c, window, item_shape).argmax()] == l
                  for c, l in zip(test_clips, test_labels))
    return correct / len(test_labels), float(np.median(epoch_seconds)), len(epoch_seconds)


def train_mirkit(binary, recipe_path, train_path, test_path, out_dir, extra):
    model = os.path.join(out_dir, os.path.basename(recipe_path).replace(".json", ".safetensors"))
    metrics = model.replace(".safetensors", ".metrics.json")
    run = subprocess.run([binary, "train", train_path, "-m", recipe_path, "-o", model, "-j", "1",
                          *extra], capture_output=True, text=True, check=True)
    seconds = [float(s) for s in re.findall(r"  ([0-9.]+) s", run.stderr)]
    subprocess.run([binary, "evaluate", model, test_path, "-o", metrics],
                   capture_output=True, text=True, check=True)
    with open(metrics) as f:
        accuracy = json.load(f)["accuracy"]
    return accuracy, float(np.median(seconds)), len(seconds)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mirkit", required=True)
    parser.add_argument("--train", required=True)
    parser.add_argument("--test", required=True)
    parser.add_argument("--recipe", action="append", required=True)
    parser.add_argument("--out", default="build/torch-comparison")
    parser.add_argument("--epochs", type=int,
                        help="train every recipe this many epochs on both sides (per-epoch times "
                             "without the whole schedule)")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(1)
    train, test = read_features(args.train), read_features(args.test)
    print("| recipe | mirkit accuracy | PyTorch accuracy | mirkit s/epoch | PyTorch s/epoch "
          "| epochs run (mirkit, PyTorch) |")
    print("|---|---|---|---|---|---|")
    for path in args.recipe:
        with open(path) as f:
            recipe = json.load(f)
        extra = []
        if args.epochs:
            recipe.setdefault("training", {})["epochs"] = args.epochs
            extra = ["--set", f"epochs={args.epochs}"]
        m_acc, m_sec, m_epochs = train_mirkit(args.mirkit, path, args.train, args.test, args.out,
                                              extra)
        t_acc, t_sec, t_epochs = train_torch(recipe, train, test)
        print(f"| {os.path.basename(path)} | {m_acc:.3f} | {t_acc:.3f} | {m_sec:.2f} | "
              f"{t_sec:.2f} | {m_epochs}, {t_epochs} |", flush=True)


if __name__ == "__main__":
    main()
