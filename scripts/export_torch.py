#!/usr/bin/python3
"""Builds mirkit's network descriptions in PyTorch and writes what mirkit loads.

A description (docs/nn.md) is JSON: {"input_shape": [...], "layers": [...]}. This script turns
it into a torch.nn.Sequential whose state_dict names match mirkit's tensor names (the layer's
position, "3.body.0.weight"), so that exporting a trained model is `write_model(path,
description, model, classes, output, features)`.

  scripts/export_torch.py fixtures [--out tests/data/nn]   the parity fixtures (committed)
  scripts/export_torch.py bench --out DIR                  bench-size models (bench/README.md)

Needs python3-torch and python3-numpy (Debian); the safetensors layout is written by hand.
"""
import argparse
import json
import os
import struct
import sys
import zlib

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

FORMAT_VERSION = 1

# ---------------------------------------------------------------- safetensors (by hand)


def encode_safetensors(tensors, metadata):
    """The layout mirkit writes: tensors in name order at 8-byte aligned offsets, the header
    padded with spaces to a multiple of 8, `__metadata__` = {"mirkit": <JSON string>}."""
    header = {}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        array = np.ascontiguousarray(tensors[name], dtype="<f4")
        data = array.tobytes()
        header[name] = {"dtype": "F32", "shape": list(array.shape),
                        "data_offsets": [offset, offset + len(data)]}
        pad = (-len(data)) % 8
        blobs.append(data + b"\0" * pad)
        offset += len(data) + pad
    header["__metadata__"] = {"mirkit": json.dumps(metadata, separators=(",", ":"))}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((-len(text)) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def write_safetensors(path, tensors, metadata):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(encode_safetensors(tensors, metadata))
    os.replace(tmp, path)


# ---------------------------------------------------------------- modules mirkit knows


class CausalConv1d(nn.Conv1d):
    """Left padding only (Bai et al. 2018): mirkit's conv1d with "causal": true."""

    def forward(self, x):
        left = (self.kernel_size[0] - 1) * self.dilation[0]
        return super().forward(F.pad(x, (left, 0)))


class AnyBatchNorm(nn.modules.batchnorm._BatchNorm):
    """BatchNorm over axis 1 of any rank (BatchNorm1d/2d share this state_dict)."""

    def _check_input_dim(self, x):
        pass


class Lambda(nn.Module):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, x):
        return self.fn(x)


class Residual(nn.Module):
    def __init__(self, body, shortcut):
        super().__init__()
        self.body = body
        self.shortcut = shortcut

    def forward(self, x):
        return self.body(x) + (self.shortcut(x) if self.shortcut is not None else x)


class Concat(nn.Module):
    def __init__(self, branches, dim):
        super().__init__()
        self.branches = nn.ModuleList(branches)
        self.dim = dim

    def forward(self, x):
        return torch.cat([b(x) for b in self.branches], dim=self.dim)


class SequenceGRU(nn.GRU):
    def forward(self, x):
        return super().forward(x)[0]


class SequenceLSTM(nn.LSTM):
    def forward(self, x):
        return super().forward(x)[0]


class SelfAttention(nn.MultiheadAttention):
    def forward(self, x):
        return super().forward(x, x, x, need_weights=False)[0]


class AttentionPooling(nn.Module):
    """Raffel & Ellis 2016: softmax over time of a learned score, then the weighted mean."""

    def __init__(self, features):
        super().__init__()
        self.score = nn.Linear(features, 1)

    def forward(self, x):
        weights = torch.softmax(self.score(x), dim=1)  # (N, T, 1)
        return (weights * x).sum(dim=1)


class PositionalEmbedding(nn.Module):
    def __init__(self, max_len, dim):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(1, max_len, dim) * 0.1)

    def forward(self, x):
        return x + self.weight[:, : x.shape[1]]


def build_sequence(layers):
    return nn.Sequential(*[build_layer(spec) for spec in layers])


def build_layer(s):
    t = s["type"]
    g = s.get
    if t == "conv1d":
        if g("causal", False):
            return CausalConv1d(s["in_channels"], s["out_channels"], s["kernel_size"],
                                stride=g("stride", 1), dilation=g("dilation", 1),
                                groups=g("groups", 1), bias=g("bias", True))
        return nn.Conv1d(s["in_channels"], s["out_channels"], s["kernel_size"],
                         stride=g("stride", 1), padding=g("padding", 0),
                         dilation=g("dilation", 1), groups=g("groups", 1), bias=g("bias", True))
    if t == "conv2d":
        return nn.Conv2d(s["in_channels"], s["out_channels"], tuple(s["kernel_size"]),
                         stride=tuple(g("stride", [1, 1])), padding=tuple(g("padding", [0, 0])),
                         dilation=tuple(g("dilation", [1, 1])), groups=g("groups", 1),
                         bias=g("bias", True))
    if t == "batch_norm":
        return AnyBatchNorm(s["num_features"], eps=g("eps", 1e-5))
    if t == "relu":
        return nn.ReLU()
    if t == "leaky_relu":
        return nn.LeakyReLU(g("negative_slope", 0.01))
    if t == "elu":
        return nn.ELU(g("alpha", 1.0))
    if t == "gelu":
        return nn.GELU()
    if t == "sigmoid":
        return nn.Sigmoid()
    if t == "tanh":
        return nn.Tanh()
    if t == "softmax":
        return nn.Softmax(dim=g("dim", -1))
    if t in ("max_pool1d", "avg_pool1d"):
        cls = nn.MaxPool1d if t == "max_pool1d" else nn.AvgPool1d
        return cls(s["kernel_size"], stride=g("stride"), padding=g("padding", 0))
    if t in ("max_pool2d", "avg_pool2d"):
        cls = nn.MaxPool2d if t == "max_pool2d" else nn.AvgPool2d
        stride = g("stride")
        return cls(tuple(s["kernel_size"]), stride=tuple(stride) if stride else None,
                   padding=tuple(g("padding", [0, 0])))
    if t == "global_avg_pool":
        return Lambda(lambda x: x.flatten(2).mean(2))
    if t == "global_max_pool":
        return Lambda(lambda x: x.flatten(2).amax(2))
    if t == "linear":
        return nn.Linear(s["in_features"], s["out_features"], bias=g("bias", True))
    if t == "dropout":
        return nn.Dropout(g("p", 0.5))
    if t == "flatten":
        return nn.Flatten(g("start_dim", 1), g("end_dim", -1))
    if t == "reshape":
        shape = tuple(s["shape"])
        return Lambda(lambda x: x.reshape(x.shape[0], *shape))
    if t == "permute":
        dims = tuple(s["dims"])
        return Lambda(lambda x: x.permute(*dims).contiguous())
    if t == "residual":
        shortcut = build_sequence(s["shortcut"]) if "shortcut" in s else None
        return Residual(build_sequence(s["body"]), shortcut)
    if t == "concat":
        return Concat([build_sequence(b) for b in s["branches"]], g("dim", 1))
    if t in ("gru", "lstm"):
        cls = SequenceGRU if t == "gru" else SequenceLSTM
        return cls(s["input_size"], s["hidden_size"], num_layers=g("num_layers", 1),
                   bidirectional=g("bidirectional", False), batch_first=True)
    if t == "layer_norm":
        return nn.LayerNorm(s["normalized_shape"], eps=g("eps", 1e-5))
    if t == "self_attention":
        return SelfAttention(s["embed_dim"], s["num_heads"], batch_first=True)
    if t == "transformer_encoder":
        return nn.TransformerEncoderLayer(
            s["d_model"], s["nhead"], s["dim_feedforward"], dropout=g("dropout", 0.1),
            activation=g("activation", "relu"), layer_norm_eps=g("layer_norm_eps", 1e-5),
            batch_first=True, norm_first=g("norm_first", False))
    if t == "attention_pooling":
        return AttentionPooling(s["in_features"])
    if t == "positional_embedding":
        return PositionalEmbedding(s["max_len"], s["dim"])
    raise ValueError(f"unknown layer type {t!r}")


def build_network(description):
    model = build_sequence(description["layers"])
    model.eval()
    return model


def randomise_statistics(model, generator):
    """Batch norms with non-trivial running statistics, so that folding is really tested."""
    for module in model.modules():
        if isinstance(module, nn.modules.batchnorm._BatchNorm):
            c = module.num_features
            with torch.no_grad():
                module.weight.copy_(1.0 + 0.3 * torch.randn(c, generator=generator))
                module.bias.copy_(0.2 * torch.randn(c, generator=generator))
                module.running_mean.copy_(0.3 * torch.randn(c, generator=generator))
                module.running_var.copy_(0.5 + torch.rand(c, generator=generator))


def weights_of(model):
    return {name: value.detach().numpy() for name, value in model.state_dict().items()
            if not name.endswith("num_batches_tracked")}


def write_model(path, description, model, classes, output, features=None):
    """The model file mirkit::nn::Network::load reads (docs/nn.md)."""
    metadata = {"format": "model", "kind": "nn", "version": FORMAT_VERSION,
                "network": description, "classes": classes, "output": output,
                "features": features}
    write_safetensors(path, weights_of(model), metadata)


# ---------------------------------------------------------------- the cases

def seq(*layers):
    return list(layers)


def conv2d(cin, cout, k=(3, 3), **kw):
    return dict(type="conv2d", in_channels=cin, out_channels=cout, kernel_size=list(k), **kw)


def conv1d(cin, cout, k, **kw):
    return dict(type="conv1d", in_channels=cin, out_channels=cout, kernel_size=k, **kw)


def bn(c):
    return dict(type="batch_norm", num_features=c)


RELU = dict(type="relu")


def architectures(width=1, size=1):
    """The architectures of issue 6, and DenseNet. width scales the channels, size the mel bands and the
    VGG patch (1, 1: the test fixtures)."""
    w = lambda c: c * width  # noqa: E731
    vgg_pool = dict(type="max_pool2d", kernel_size=[2, 2])
    vgg = dict(input_shape=[1, 32 * size, 24 * size], layers=seq(
        conv2d(1, w(4), padding=[1, 1]), bn(w(4)), RELU, vgg_pool,
        conv2d(w(4), w(8), padding=[1, 1]), bn(w(8)), RELU, vgg_pool,
        conv2d(w(8), w(8), padding=[1, 1]), bn(w(8)), RELU,
        dict(type="flatten"), dict(type="dropout", p=0.3),
        dict(type="linear", in_features=w(8) * 48 * size * size, out_features=w(16)), RELU,
        dict(type="linear", in_features=w(16), out_features=5)))

    def block(cin, cout, stride):
        body = seq(conv2d(cin, cout, stride=[stride, stride], padding=[1, 1], bias=False),
                   bn(cout), RELU, conv2d(cout, cout, padding=[1, 1], bias=False), bn(cout))
        entry = dict(type="residual", body=body)
        if stride != 1 or cin != cout:
            entry["shortcut"] = seq(conv2d(cin, cout, (1, 1), stride=[stride, stride],
                                           bias=False), bn(cout))
        return [entry, RELU]

    resnet = dict(input_shape=[1, -1, 20 * size], layers=seq(
        conv2d(1, w(8), padding=[1, 1], bias=False), bn(w(8)), RELU,
        *block(w(8), w(8), 1), *block(w(8), w(12), 2),
        dict(type="global_avg_pool"), dict(type="linear", in_features=w(12), out_features=4)))

    crnn = dict(input_shape=[1, -1, 16 * size], layers=seq(
        conv2d(1, w(6), padding=[1, 1]), bn(w(6)), dict(type="elu"),
        dict(type="max_pool2d", kernel_size=[1, 2]),
        conv2d(w(6), w(6), padding=[1, 1]), bn(w(6)), RELU,
        dict(type="max_pool2d", kernel_size=[1, 2]),
        dict(type="permute", dims=[0, 2, 1, 3]), dict(type="flatten", start_dim=2),
        dict(type="gru", input_size=w(6) * 4 * size, hidden_size=w(8), num_layers=2,
             bidirectional=True),
        dict(type="attention_pooling", in_features=w(16)),
        dict(type="linear", in_features=w(16), out_features=6)))

    def tcn_block(cin, cout, dilation):
        body = seq(conv1d(cin, cout, 3, dilation=dilation, causal=True), RELU,
                   dict(type="dropout", p=0.1),
                   conv1d(cout, cout, 3, dilation=dilation, causal=True),
                   dict(type="leaky_relu", negative_slope=0.1))
        entry = dict(type="residual", body=body)
        if cin != cout:
            entry["shortcut"] = seq(conv1d(cin, cout, 1))
        return entry

    tcn = dict(input_shape=[-1, 12 * size], layers=seq(
        dict(type="permute", dims=[0, 2, 1]),
        tcn_block(12 * size, w(8), 1), tcn_block(w(8), w(8), 2), tcn_block(w(8), w(8), 4),
        dict(type="global_avg_pool"), dict(type="linear", in_features=w(8), out_features=3)))

    samplecnn = dict(input_shape=[1, -1], layers=seq(
        conv1d(1, w(8), 3, stride=3), bn(w(8)), RELU,
        conv1d(w(8), w(8), 3, padding=1), bn(w(8)), RELU,
        dict(type="max_pool1d", kernel_size=3),
        conv1d(w(8), w(8), 3, padding=1, groups=2), bn(w(8)), RELU,
        dict(type="max_pool1d", kernel_size=3),
        conv1d(w(8), w(12), 3, padding=1), bn(w(12)), RELU,
        dict(type="max_pool1d", kernel_size=3),
        dict(type="global_max_pool"), dict(type="linear", in_features=w(12), out_features=4)))

    d = w(12)
    transformer = dict(input_shape=[1, -1, 16 * size], layers=seq(
        conv2d(1, d, (4, 4), stride=[4, 4]),
        dict(type="permute", dims=[0, 2, 3, 1]), dict(type="flatten", start_dim=1, end_dim=2),
        dict(type="positional_embedding", max_len=64 * size * size, dim=d),
        dict(type="transformer_encoder", d_model=d, nhead=3, dim_feedforward=2 * d,
             activation="gelu"),
        dict(type="transformer_encoder", d_model=d, nhead=3, dim_feedforward=2 * d,
             norm_first=True),
        dict(type="layer_norm", normalized_shape=d),
        dict(type="permute", dims=[0, 2, 1]), dict(type="global_avg_pool"),
        dict(type="linear", in_features=d, out_features=5)))

    # DenseNet (Huang et al. 2017) on spectrograms: each dense layer (BN-ReLU-conv 1×1 bottleneck,
    # BN-ReLU-conv 3×3) adds `growth` channels concatenated to its input; a transition layer
    # (BN-ReLU-conv 1×1, 2×2 average pooling) halves channels and resolution between blocks.
    growth = w(4)

    def dense_layer(cin):
        new = seq(bn(cin), RELU, conv2d(cin, 2 * growth, (1, 1), bias=False), bn(2 * growth),
                  RELU, conv2d(2 * growth, growth, padding=[1, 1], bias=False))
        return dict(type="concat", dim=1, branches=[[], new])

    def dense_block(cin, layers):
        return [dense_layer(cin + k * growth) for k in range(layers)], cin + layers * growth

    stem = w(8)
    block1, c1 = dense_block(stem, 2)
    block2, c2 = dense_block(c1 // 2, 2)
    densenet = dict(input_shape=[1, -1, 16 * size], layers=seq(
        conv2d(1, stem, padding=[1, 1], bias=False), *block1,
        bn(c1), RELU, conv2d(c1, c1 // 2, (1, 1), bias=False),
        dict(type="avg_pool2d", kernel_size=[2, 2]), *block2,
        bn(c2), RELU, dict(type="global_avg_pool"),
        dict(type="linear", in_features=c2, out_features=4)))

    return {
        # name: (description, output, input shapes: batch 1 and 7, odd lengths)
        "vgg": (vgg, "softmax", [[1, 1, 32, 24], [7, 1, 32, 24]]),
        "resnet": (resnet, "softmax", [[1, 1, 16, 20], [7, 1, 9, 20]]),
        "crnn": (crnn, "sigmoid", [[1, 1, 1, 16], [7, 1, 13, 16], [2, 1, 40, 16]]),
        "tcn": (tcn, "softmax", [[1, 1, 12], [7, 9, 12], [1, 31, 12]]),
        "samplecnn": (samplecnn, "softmax", [[1, 1, 243], [7, 1, 250], [1, 1, 729]]),
        "transformer": (transformer, "softmax", [[1, 1, 4, 16], [7, 1, 32, 16],
                                                 [2, 1, 10, 16]]),
        "densenet": (densenet, "softmax", [[1, 1, 2, 16], [7, 1, 12, 16], [2, 1, 33, 16]]),
    }


def layer_cases():
    """One small network per layer (or layer option), in mirkit's shapes."""
    c = {}
    x2d = [[1, 3, 7, 5], [7, 3, 4, 9]]
    c["conv2d"] = ([conv2d(3, 4, (3, 2), stride=[2, 1], padding=[1, 2], dilation=[1, 2])],
                   [3, -1, -1], x2d)
    c["conv2d_groups"] = ([conv2d(3, 6, (3, 3), padding=[1, 0], groups=3, bias=False)],
                          [3, -1, -1], x2d)
    c["conv2d_pointwise"] = ([conv2d(3, 5, (1, 1))], [3, -1, -1], x2d)
    c["conv2d_batch_norm"] = ([conv2d(3, 4, (3, 3), padding=[1, 1]), bn(4)], [3, -1, -1], x2d)
    x1d = [[1, 4, 1], [7, 4, 11], [2, 4, 30]]
    c["conv1d"] = ([conv1d(4, 5, 3, stride=2, padding=2, dilation=2)], [4, -1],
                   [[1, 4, 3], [7, 4, 11], [2, 4, 30]])
    c["conv1d_groups"] = ([conv1d(4, 6, 3, padding=1, groups=2, bias=False)], [4, -1], x1d)
    c["conv1d_causal"] = ([conv1d(4, 3, 3, dilation=3, causal=True)], [4, -1], x1d)
    c["conv1d_batch_norm"] = ([conv1d(4, 3, 3, padding=1), bn(3)], [4, -1], x1d)
    c["batch_norm"] = ([bn(3)], [3, -1, -1], x2d)
    c["batch_norm_after_linear"] = ([dict(type="linear", in_features=5, out_features=3),
                                     dict(type="permute", dims=[0, 2, 1]), bn(3)],
                                    [-1, 5], [[1, 1, 5], [7, 6, 5]])
    for name, extra in [("relu", {}), ("leaky_relu", {"negative_slope": 0.2}),
                        ("elu", {"alpha": 0.7}), ("gelu", {}), ("sigmoid", {}), ("tanh", {})]:
        c[name] = ([dict(type=name, **extra)], [3, -1], [[1, 3, 1], [7, 3, 10]])
    c["softmax"] = ([dict(type="softmax", dim=1)], [4, -1], [[1, 4, 1], [7, 4, 6]])
    c["softmax_last"] = ([dict(type="softmax")], [-1, 5], [[1, 1, 5], [7, 3, 5]])
    c["max_pool1d"] = ([dict(type="max_pool1d", kernel_size=3, stride=2, padding=1)], [2, -1],
                       [[1, 2, 1], [7, 2, 10]])
    c["avg_pool1d"] = ([dict(type="avg_pool1d", kernel_size=4, stride=3, padding=2)], [2, -1],
                       [[1, 2, 4], [7, 2, 13]])
    c["max_pool2d"] = ([dict(type="max_pool2d", kernel_size=[3, 2], stride=[2, 1],
                             padding=[1, 1])], [2, -1, -1], [[1, 2, 5, 3], [7, 2, 8, 7]])
    c["avg_pool2d"] = ([dict(type="avg_pool2d", kernel_size=[2, 3], padding=[1, 1])],
                       [2, -1, -1], [[1, 2, 2, 3], [7, 2, 9, 5]])
    c["global_avg_pool"] = ([dict(type="global_avg_pool")], [3, -1, -1], x2d)
    c["global_max_pool"] = ([dict(type="global_max_pool")], [4, -1], x1d)
    c["linear"] = ([dict(type="linear", in_features=6, out_features=4)], [-1, 6],
                   [[1, 1, 6], [7, 5, 6]])
    c["dropout"] = ([dict(type="dropout", p=0.5)], [-1, 6], [[1, 1, 6], [7, 5, 6]])
    c["flatten"] = ([dict(type="flatten", start_dim=1, end_dim=2)], [3, -1, 2],
                    [[1, 3, 1, 2], [7, 3, 4, 2]])
    c["reshape"] = ([dict(type="reshape", shape=[-1, 2])], [-1, 6], [[1, 1, 6], [7, 3, 6]])
    c["permute"] = ([dict(type="permute", dims=[0, 3, 1, 2])], [3, -1, -1], x2d)
    c["residual"] = ([dict(type="residual", body=[conv1d(4, 4, 3, padding=1), RELU])], [4, -1],
                     x1d)
    c["residual_shortcut"] = ([dict(type="residual", body=[conv1d(4, 6, 3, padding=1)],
                                    shortcut=[conv1d(4, 6, 1, bias=False), bn(6)])], [4, -1], x1d)
    c["concat"] = ([dict(type="concat", dim=1, branches=[[conv1d(4, 2, 1)],
                                                         [conv1d(4, 3, 3, padding=1), RELU]])],
                   [4, -1], x1d)
    seqs = [[1, 1, 5], [7, 9, 5], [2, 17, 5]]
    c["gru"] = ([dict(type="gru", input_size=5, hidden_size=4)], [-1, 5], seqs)
    c["gru_bidirectional_2_layers"] = ([dict(type="gru", input_size=5, hidden_size=3,
                                             num_layers=2, bidirectional=True)], [-1, 5], seqs)
    c["lstm"] = ([dict(type="lstm", input_size=5, hidden_size=4, num_layers=2)], [-1, 5], seqs)
    c["lstm_bidirectional"] = ([dict(type="lstm", input_size=5, hidden_size=3,
                                     bidirectional=True)], [-1, 5], seqs)
    c["layer_norm"] = ([dict(type="layer_norm", normalized_shape=5)], [-1, 5], seqs)
    c["self_attention"] = ([dict(type="self_attention", embed_dim=6, num_heads=2)], [-1, 6],
                           [[1, 1, 6], [7, 5, 6], [2, 12, 6]])
    c["transformer_encoder"] = ([dict(type="transformer_encoder", d_model=6, nhead=2,
                                      dim_feedforward=10)], [-1, 6],
                                [[1, 1, 6], [7, 5, 6], [2, 12, 6]])
    c["transformer_encoder_norm_first_gelu"] = (
        [dict(type="transformer_encoder", d_model=6, nhead=3, dim_feedforward=8,
              activation="gelu", norm_first=True, layer_norm_eps=1e-6)], [-1, 6],
        [[1, 1, 6], [7, 5, 6]])
    # What the loader fuses and what it must not: a batch norm after an activation stays a layer,
    # a second activation stays a layer, a residual block takes the activation after it.
    c["conv2d_relu_batch_norm"] = ([conv2d(3, 4, (3, 3), padding=[1, 1]), RELU, bn(4)],
                                   [3, -1, -1], x2d)
    c["conv1d_two_activations"] = ([conv1d(4, 3, 3, padding=1), dict(type="tanh"),
                                    dict(type="elu", alpha=0.5)], [4, -1], x1d)
    c["residual_then_elu"] = ([dict(type="residual", body=[conv1d(4, 4, 3, padding=1)]),
                               dict(type="elu"), dict(type="sigmoid")], [4, -1], x1d)
    c["attention_pooling"] = ([dict(type="attention_pooling", in_features=5)], [-1, 5], seqs)
    c["positional_embedding"] = ([dict(type="positional_embedding", max_len=20, dim=5)], [-1, 5],
                                 seqs)
    return c


def write_case(out_dir, name, description, output, input_shapes, classes):
    # Each case draws from its own seed, so adding a case leaves the other fixtures unchanged.
    seed = zlib.crc32(name.encode())
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    model = build_network(description)
    randomise_statistics(model, generator)
    if output:
        # Default initialisation leaves an untrained network's logits well below 1, which would
        # make a 1e-4 absolute bound lax: scale the last layer so logits are of order 5.
        last = model[len(model) - 1]
        with torch.no_grad():
            last.weight.mul_(20.0)
            last.bias.mul_(20.0)
    write_model(os.path.join(out_dir, name + ".safetensors"), description, model, classes,
                output or "softmax")
    fixture = {}
    with torch.no_grad():
        for k, shape in enumerate(input_shapes):
            x = torch.randn(*shape, generator=generator)
            y = model(x)
            fixture[f"input.{k}"] = x.numpy()
            fixture[f"output.{k}"] = y.numpy()
            if output:
                p = torch.softmax(y, -1) if output == "softmax" else torch.sigmoid(y)
                fixture[f"probabilities.{k}"] = p.numpy()
    write_safetensors(os.path.join(out_dir, name + ".fixture.safetensors"), fixture,
                      {"format": "fixture", "case": name, "torch": torch.__version__})
    if name in GRADIENT_CASES:
        write_gradients(out_dir, name, model, input_shapes[-1])


# Cases whose training gradients are also written (name.gradients.safetensors): PyTorch's
# backward pass in training mode (batch norms on batch statistics), which mirkit's training
# layers must match. Cases without dropout, whose training forward pass draws nothing.
GRADIENT_CASES = ["arch_densenet", "arch_resnet", "arch_crnn", "layer_lstm",
                  "layer_lstm_bidirectional", "layer_conv2d_groups", "layer_conv1d_groups",
                  "layer_layer_norm", "layer_self_attention", "layer_concat",
                  "layer_positional_embedding", "layer_softmax"]


def write_gradients(out_dir, name, model, input_shape):
    """L = Σ r ⊙ model(x) for a random x and r; dL/dx and dL/dθ for every parameter."""
    generator = torch.Generator().manual_seed(zlib.crc32(("gradients " + name).encode()))
    model.train()
    x = torch.randn(*input_shape, generator=generator, requires_grad=True)
    y = model(x)
    r = torch.randn(*y.shape, generator=generator)
    model.zero_grad()
    (y * r).sum().backward()
    tensors = {"input": x.detach().numpy(), "weights": r.numpy(), "grad.input": x.grad.numpy()}
    for pname, p in model.named_parameters():
        tensors["grad." + pname] = p.grad.numpy()
    write_safetensors(os.path.join(out_dir, name + ".gradients.safetensors"), tensors,
                      {"format": "gradients", "case": name, "torch": torch.__version__})
    model.eval()


def fixtures(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    names = []
    for name, (layers, input_shape, shapes) in layer_cases().items():
        # A layer's output is not a class vector: one placeholder class, no final activation
        # in the fixture (the loader checks class counts only for fixed input shapes).
        write_case(out_dir, "layer_" + name, dict(input_shape=input_shape, layers=layers), None,
                   shapes, ["out"])
        names.append("layer_" + name)
    for name, (description, output, shapes) in architectures().items():
        classes = [f"class_{i}" for i in range(description["layers"][-1]["out_features"])]
        write_case(out_dir, "arch_" + name, description, output, shapes, classes)
        names.append("arch_" + name)
    with open(os.path.join(out_dir, "cases.txt"), "w") as f:
        f.write("\n".join(names) + "\n")


# One window per architecture at bench size (size 2): about 3 s of log-mel frames at hop 512 /
# 22.05 kHz, or 0.9 s of waveform for the SampleCNN.
BENCH_WINDOWS = {"vgg": [1, 64, 48], "resnet": [1, 128, 40], "crnn": [1, 128, 32],
                 "tcn": [128, 24], "samplecnn": [1, 19683], "transformer": [1, 128, 32],
                 "densenet": [1, 128, 32]}


def bench_models(out_dir, width):
    """Bench-size models (random weights: speed does not depend on them) and bench.json, the
    window shape of each, which bench/bench_nn.cpp and scripts/bench_torch.py both read."""
    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(6)
    generator = torch.Generator().manual_seed(6)
    for name, (description, output, _) in architectures(width, size=2).items():
        model = build_network(description)
        randomise_statistics(model, generator)
        classes = [f"class_{i}" for i in range(description["layers"][-1]["out_features"])]
        write_model(os.path.join(out_dir, name + ".safetensors"), description, model, classes,
                    output)
    with open(os.path.join(out_dir, "bench.json"), "w") as f:
        json.dump({"width": width, "windows": BENCH_WINDOWS}, f, indent=1)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    f = sub.add_parser("fixtures")
    f.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "tests",
                                                 "data", "nn"))
    b = sub.add_parser("bench")
    b.add_argument("--out", required=True)
    b.add_argument("--width", type=int, default=4, help="channel multiplier")
    args = parser.parse_args()
    if args.command == "fixtures":
        fixtures(args.out)
    else:
        bench_models(args.out, args.width)


if __name__ == "__main__":
    sys.exit(main())
