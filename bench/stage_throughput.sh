#!/usr/bin/env bash
# End-to-end throughput of the stages that read audio, with the gtzan.json recipe: `mirkit
# extract` (files per second and seconds of audio per second, with -j 1 and -j 2, over the demo
# data set of 3 s clips and over 30 s clips made from it, and where the time goes: decoding,
# resampling, features), then `mirkit predict` from raw audio with an SVM trained on the demo
# features (files per second, -j 1 and -j 2).
#
#   bench/stage_throughput.sh [REPEATS]        (default 3; the best run of each is reported)
#
# Needs the release build (cmake --build --preset release) and sox; makes data/demo if missing.
set -euo pipefail
cd "$(dirname "$0")/.."

repeats=${1:-3}
mirkit=build/release/apps/mirkit/mirkit
config=configs/features/gtzan.json
work=data/work/bench
[[ -x $mirkit ]] || { echo "build first: cmake --build --preset release -j2" >&2; exit 2; }
[[ -d data/demo ]] || bash scripts/make-demo-data.sh data/demo >/dev/null
mkdir -p "$work/clips30"

# 30 s clips: ten consecutive 3 s demo clips each (44.1 kHz stereo, 16-bit), 16 clips = 8 min.
mapfile -t demo < <(find data/demo -name '*.wav' | LC_ALL=C sort)
for ((c = 0; c < 16; c++)); do
  out="$work/clips30/clip$(printf %02d "$c").wav"
  [[ -f $out ]] && continue
  sox "${demo[@]:$((c * 3 % 38)):10}" "$out"
done

now() { date +%s.%N; }

# Best wall time of `repeats` runs of the command; the last run's stderr is kept in $work/last.err.
best_time() {
  local best=
  for ((r = 0; r < repeats; r++)); do
    local start end
    start=$(now)
    "$@" 2>"$work/last.err" >/dev/null
    end=$(now)
    best=$(awk -v a="$best" -v b="$(awk -v s="$start" -v e="$end" 'BEGIN { print e - s }')" \
      'BEGIN { if (a == "" || b < a) print b; else print a }')
  done
  echo "$best"
}

printf '%-10s %4s %6s %9s %8s %9s %10s %8s %8s %8s\n' set jobs files audio_s wall_s files/s \
  audio_s/s decode resample features
for set in demo clips30; do
  dir=data/demo
  [[ $set == clips30 ]] && dir=$work/clips30
  files=$(find "$dir" -name '*.wav' | wc -l)
  audio=$("$mirkit" info "$dir" | awk -F'"duration_s":' '{ split($2, v, /[,}]/); t += v[1] } END { printf "%.1f", t }')
  decode_only=$(best_time "$mirkit" info --check "$dir")
  for jobs in 1 2; do
    wall=$(best_time "$mirkit" -v extract "$dir" -c "$config" -o "$work/$set-j$jobs.safetensors" -j "$jobs")
    # "time in decoding + resampling X s, in features Y s (summed over workers)"
    read -r loading features < <(sed -n 's/.*decoding + resampling \([0-9.]*\) s, in features \([0-9.]*\) s.*/\1 \2/p' "$work/last.err")
    awk -v set="$set" -v jobs="$jobs" -v files="$files" -v audio="$audio" -v wall="$wall" \
      -v loading="$loading" -v features="$features" -v decode="$decode_only" 'BEGIN {
        busy = loading + features
        resample = loading - decode; if (resample < 0) resample = 0
        printf "%-10s %4d %6d %9.1f %8.3f %9.1f %10.0f %7.0f%% %7.0f%% %7.0f%%\n", set, jobs, files,
          audio, wall, files / wall, audio / wall, 100 * decode / busy, 100 * resample / busy,
          100 * features / busy }'
  done
  cmp -s "$work/$set-j1.safetensors" "$work/$set-j2.safetensors" || { echo "j1 and j2 differ!" >&2; exit 1; }
done
echo "(decode = mirkit info --check over the same files; resample = decoding + resampling in extract"
echo " minus that; shares of the summed worker time. -j 1 and -j 2 outputs are byte-identical.)"

# predict from raw audio: an SVM (grid search) on the demo's gtzan features.
"$mirkit" -q train "$work/demo-j1.safetensors" -m configs/models/svm.json -o "$work/svm.safetensors"
echo
printf '%-10s %4s %6s %8s %9s %10s\n' set jobs files wall_s files/s audio_s/s
for set in demo clips30; do
  dir=data/demo
  [[ $set == clips30 ]] && dir=$work/clips30
  files=$(find "$dir" -name '*.wav' | wc -l)
  audio=$("$mirkit" info "$dir" | awk -F'"duration_s":' '{ split($2, v, /[,}]/); t += v[1] } END { printf "%.1f", t }')
  for jobs in 1 2; do
    wall=$(best_time "$mirkit" predict "$work/svm.safetensors" "$dir" -o "$work/labels-$set-j$jobs.csv" -j "$jobs")
    awk -v set="$set" -v jobs="$jobs" -v files="$files" -v audio="$audio" -v wall="$wall" 'BEGIN {
      printf "%-10s %4d %6d %8.3f %9.1f %10.0f\n", set, jobs, files, wall, files / wall, audio / wall }'
  done
  cmp -s "$work/labels-$set-j1.csv" "$work/labels-$set-j2.csv" || { echo "predict j1 and j2 differ!" >&2; exit 1; }
done
