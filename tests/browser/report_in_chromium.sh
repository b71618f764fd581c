#!/usr/bin/env bash
# CTest: an evaluation report of a small generated data set opens in headless Chromium without
# console messages, and a screenshot of it is taken (scripts/report-screenshot.sh).
#
#   report_in_chromium.sh MIRKIT CONFIG_DIR WORK_DIR
set -euo pipefail
mirkit=$1
configs=$2
work=$3
here=$(cd "$(dirname "$0")" && pwd)

rm -rf "$work"
mkdir -p "$work/audio"
# Tones of three classes, one second each, written with Python's own wave module.
/usr/bin/python3 - "$work/audio" <<'PY'
import math, os, struct, sys, wave
root = sys.argv[1]
for name, base in (("high", 2400.0), ("low", 150.0), ("mid", 700.0)):
    os.makedirs(os.path.join(root, name), exist_ok=True)
    for i in range(5):
        hz = 2400.0 if name == "mid" and i == 4 else base * (1 + 0.03 * i)
        frames = b"".join(struct.pack("<h", int(9000 * math.sin(2 * math.pi * hz * n / 22050)))
                          for n in range(22050))
        with wave.open(os.path.join(root, name, f"{name}{i}.wav"), "wb") as w:
            w.setnchannels(1); w.setsampwidth(2); w.setframerate(22050); w.writeframes(frames)
PY
"$mirkit" -q extract "$work/audio" -c "$configs/features/gtzan.json" -o "$work/f.safetensors"
"$mirkit" -q evaluate --cv 3 "$work/f.safetensors" -m knn --report "$work/report" 2>/dev/null
"$here/../../scripts/report-screenshot.sh" "$work/report/report.html" "$work/report.png"
