#!/usr/bin/env bash
# Peak memory and time of `mirkit extract` and `mirkit predict` on one long file (issue 16's
# target: under 200 MB whatever the length), measured with /usr/bin/time -v. For comparison, up
# to an hour, the same recipe with level normalisation, which needs every sample first and so
# reads the file whole, is run on the same file in the same run (ten hours of it would take some
# 20 GB).
#
#   bench/long_file_memory.sh [MINUTES]      (default 60)
#
# The file is the demo clips (44.1 kHz stereo) repeated to MINUTES minutes, as FLAC. Needs the
# release build and sox; makes data/demo if missing.
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=${1:-60}
mirkit=build/release/apps/mirkit/mirkit
work=data/work/long
[[ -x $mirkit ]] || { echo "build first: cmake --build --preset release -j2" >&2; exit 2; }
[[ -d data/demo ]] || bash scripts/make-demo-data.sh data/demo >/dev/null
mkdir -p "$work"

long="$work/long-${minutes}min.flac"
if [[ ! -f $long ]]; then
  mapfile -t demo < <(find data/demo -name '*.wav' | LC_ALL=C sort)
  sox "${demo[@]}" "$work/all.wav"
  seconds=$(soxi -D "$work/all.wav")
  repeats=$(awk -v m="$minutes" -v s="$seconds" 'BEGIN { r = int(m * 60 / s + 0.999); print r - 1 }')
  sox "$work/all.wav" "$long" repeat "$repeats" trim 0 "$((minutes * 60))"
  rm -f "$work/all.wav"
fi

# A model to predict with: an SVM on the demo clips' gtzan features.
if [[ ! -f $work/svm.safetensors ]]; then
  "$mirkit" -q extract data/demo -c configs/features/gtzan.json -o "$work/demo.safetensors"
  "$mirkit" -q train "$work/demo.safetensors" -m svm -o "$work/svm.safetensors"
fi
whole_recipe="$work/gtzan-normalised.json"
sed 's|"audio": {"mono": true}|"audio": {"mono": true, "normalization": "peak"}|' \
  configs/features/gtzan.json >"$whole_recipe"

# Prints: label, peak resident memory (MB), wall time (s).
measure() {
  local label=$1
  shift
  /usr/bin/time -v "$@" 2>"$work/time.err" >/dev/null || { cat "$work/time.err" >&2; exit 1; }
  awk -v label="$label" '
    /Maximum resident set size/ { rss = $NF / 1024 }
    /Elapsed \(wall clock\)/ { n = split($NF, t, ":"); wall = (n == 3 ? t[1] * 3600 + t[2] * 60 + t[3] : t[1] * 60 + t[2]) }
    END { printf "| %s | %.0f MB | %.1f s |\n", label, rss, wall }' "$work/time.err"
}

echo "$(soxi -d "$long") of 44.1 kHz stereo FLAC ($(du -h "$long" | cut -f1)): $long"
echo
echo "| run | peak memory | wall time |"
echo "|---|---|---|"
measure "extract, gtzan.json (streamed)" \
  "$mirkit" -q extract "$long" -c configs/features/gtzan.json -o "$work/out.safetensors"
measure "extract, logmel-patches.json (frames, streamed)" \
  "$mirkit" -q extract "$long" -c configs/features/logmel-patches.json -o "$work/frames.safetensors"
if ((minutes <= 60)); then
  measure "extract, gtzan.json + peak normalisation (read whole)" \
    "$mirkit" -q extract "$long" -c "$whole_recipe" -o "$work/whole.safetensors"
fi
measure "predict, SVM, whole clip (streamed)" \
  "$mirkit" -q predict "$work/svm.safetensors" "$long" -o "$work/labels.csv"
measure "predict, SVM, --segment 30 (streamed)" \
  "$mirkit" -q predict "$work/svm.safetensors" "$long" --segment 30 -o "$work/segments.csv"
rm -f "$work"/*.safetensors.tmp.* "$work/frames.safetensors" "$work/whole.safetensors"
