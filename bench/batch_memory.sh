#!/usr/bin/env bash
# Peak memory of `mirkit extract` over a batch of many short files: the first 100 of them, then
# all of them (default 10,000), for a pooled recipe and a frames recipe, measured with
# /usr/bin/time -v. A flat figure means the rows of finished files are not held: they go to the
# checkpoint journal as each file is done and from there into the feature file part by part.
#
#   bench/batch_memory.sh [FILES]      (default 10000)
#
# The files are half-second 22.05 kHz tones with noise, made by python3 (a few seconds).
# Needs the release build.
set -euo pipefail
cd "$(dirname "$0")/.."

files=${1:-10000}
mirkit=build/release/apps/mirkit/mirkit
work=data/work/batch
[[ -x $mirkit ]] || { echo "build first: cmake --build --preset release -j2" >&2; exit 2; }
mkdir -p "$work"

if [[ ! -f $work/all-$files.txt ]]; then
  python3 - "$work/clips" "$files" <<'PY'
import math, os, random, struct, sys, wave
root, count = sys.argv[1], int(sys.argv[2])
random.seed(1)
n = 11025
for i in range(count):
    folder = os.path.join(root, "%03d" % (i // 1000))
    os.makedirs(folder, exist_ok=True)
    f = 300 + (i % 50) * 20
    samples = [int(8000 * math.sin(2 * math.pi * f * k / 22050)) + random.randint(-500, 500)
               for k in range(n)]
    with wave.open(os.path.join(folder, "c%06d.wav" % i), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(22050)
        out.writeframes(struct.pack("<%dh" % n, *samples))
PY
  find "$work/clips" -name '*.wav' | LC_ALL=C sort | head -n "$files" >"$work/all-$files.txt"
fi
head -n 100 "$work/all-$files.txt" >"$work/first-100.txt"

# Prints: recipe, inputs, peak resident memory (MB), wall time (s).
measure() {
  local recipe=$1 list=$2
  rm -f "$work/out.safetensors"
  /usr/bin/time -v "$mirkit" -q extract --files-from "$list" -c "configs/features/$recipe" \
    -o "$work/out.safetensors" 2>"$work/time.err" >/dev/null || { cat "$work/time.err" >&2; exit 1; }
  awk -v recipe="$recipe" -v inputs="$(wc -l <"$list")" '
    /Maximum resident set size/ { rss = $NF / 1024 }
    /Elapsed \(wall clock\)/ { n = split($NF, t, ":"); wall = (n == 3 ? t[1] * 3600 + t[2] * 60 + t[3] : t[1] * 60 + t[2]) }
    END { printf "| %s | %d | %.1f MB | %.1f s |\n", recipe, inputs, rss, wall }' "$work/time.err"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| recipe | files | peak memory | wall time |"
echo "|---|---|---|---|"
for recipe in gtzan.json logmel-patches.json; do
  measure "$recipe" "$work/first-100.txt"
  measure "$recipe" "$work/all-$files.txt"
done
rm -f "$work/out.safetensors"
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
