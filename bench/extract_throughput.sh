#!/usr/bin/env bash
# What a user feels: the whole `mirkit extract` over a folder of clips, one core, per clip and per
# shipped recipe, beside the two things it is made of, measured in the same run — the in-process
# bench of the recipe on decoded audio (bench_features BM_Recipe/…) and a bare decode of the same
# files (bench_decode: libsndfile straight into a float buffer) — each as a ratio.
#
#   bench/extract_throughput.sh [CLIPS] [CORE]     (default 100 clips of 30 s, core 1)
#
# Clips (made once, by bench_decode write): 22.05 kHz mono WAV, 44.1 kHz stereo WAV, Ogg Vorbis and
# MP3 with every shipped recipe; AIFF, FLAC and Opus (48 kHz) with gtzan. Times are CPU seconds
# (user + system) of the whole process, startup included; page faults per clip are the difference
# between a run over all clips and a run over one. Needs the release
# build with benches (cmake --build --preset release) and GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."

clips=${1:-100}
core=${2:-1}
build=build/release
mirkit=$build/apps/mirkit/mirkit
data=data/work/extract-throughput
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for program in "$mirkit" "$build/bench/bench_decode" "$build/bench/bench_features"; do
  [[ -x $program ]] || { echo "build first: cmake --build --preset release -j2 ($program)" >&2; exit 2; }
done
[[ -x /usr/bin/time ]] || { echo "needs GNU time (apt-get install time)" >&2; exit 2; }
"$build/bench/bench_decode" write "$data" "$clips" 30
recipes=(mfcc gtzan logmel-patches full)
pin=(taskset -c "$core")

# CPU seconds and minor page faults of one command: "seconds faults".
measure() {
  /usr/bin/time -f '%U %S %R' -o "$work/time" "${pin[@]}" "$@" >/dev/null 2>"$work/err" ||
    { cat "$work/err" >&2; exit 1; }
  awk '{ printf "%.4f %d\n", $1 + $2, $3 }' "$work/time"
}

# The in-process bench of each recipe: CPU ms per 30 s clip (decoded 22.05 kHz mono audio).
declare -A inprocess
filter=$(IFS='|'; echo "${recipes[*]}")
while read -r name cpu; do
  inprocess[${name#BM_Recipe/}]=$cpu
done < <("${pin[@]}" "$build/bench/bench_features" --benchmark_filter="BM_Recipe/($filter)\$" \
  --benchmark_min_time=1 --benchmark_format=csv 2>/dev/null |
  awk -F, '/^"BM_Recipe/ { gsub(/"/, "", $1); print $1, $4 }')

echo "# $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg), $clips clips of 30 s, core $core"
printf '%-8s %-15s %11s %11s %11s %9s %13s\n' source recipe extract_ms inprocess_ms decode_ms ratio faults/clip
for source in wav22 wav44 ogg44 mp344 aiff44 flac44 opus48; do
  files=("$data/$source"/clip*)
  decode=$("${pin[@]}" "$build/bench/bench_decode" read "${files[@]}" 2>/dev/null)
  decode_ms=$(awk -v s="$decode" -v n="${#files[@]}" 'BEGIN { printf "%.2f", 1000 * s / n }')
  # mirkit's own reader on the same files (the file's rate, mono), against the bare decode.
  ours=$("${pin[@]}" "$build/bench/bench_decode" mirkit "${files[@]}" 2>/dev/null)
  awk -v source="$source" -v ours="$ours" -v bare="$decode" -v n="${#files[@]}" 'BEGIN {
    printf "%-8s %-15s %11s %11s %11.2f %9.2f   (mirkit decode ms, ÷ bare)\n", source, "(decode)", "", "",
      1000 * ours / n, ours / bare }'
  # Every recipe from the four main sources; from the other formats, gtzan beside their decode.
  source_recipes=("${recipes[@]}")
  [[ $source == aiff44 || $source == flac44 || $source == opus48 ]] && source_recipes=(gtzan)
  for recipe in "${source_recipes[@]}"; do
    config=configs/features/$recipe.json
    read -r one_s one_faults < <(measure "$mirkit" extract "${files[0]}" -c "$config" -o "$work/one.safetensors" -j 1)
    read -r all_s all_faults < <(measure "$mirkit" extract "$data/$source" -c "$config" -o "$work/all.safetensors" -j 1)
    awk -v source="$source" -v recipe="$recipe" -v s="$all_s" -v n="${#files[@]}" \
      -v inproc="${inprocess[$recipe]:-nan}" -v decode="$decode_ms" -v f1="$one_faults" \
      -v fa="$all_faults" 'BEGIN {
        extract = 1000 * s / n
        printf "%-8s %-15s %11.2f %11.2f %11.2f %9.2f %13.0f\n", source, recipe, extract, inproc,
          decode, extract / (inproc + decode), (fa - f1) / (n - 1)
      }'
  done
done
echo "# ratio: whole-process extract ÷ (in-process recipe + bare decode); in-process runs on decoded"
echo "# 22.05 kHz mono audio, so from 44.1 kHz sources the ratio includes resampling."
