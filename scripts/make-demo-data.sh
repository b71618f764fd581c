#!/usr/bin/env bash
# Renders the demo data set: a small, real, labelled collection in GTZAN layout (one folder per
# class) made only from Debian packages — MIDI phrases written by this script, played by
# fluidsynth through the FluidR3 General MIDI soundfont. Deterministic: the same files, byte for
# byte, on every run.
#
#   scripts/make-demo-data.sh OUTDIR
#
# Makes OUTDIR/<class>/<class>.NNNNN.wav (44.1 kHz, 16-bit, stereo, exactly 3.0 s) for six
# instrument families, 8 clips each (2 minutes 24 s in all), and OUTDIR/labels.csv.
set -euo pipefail

readonly RATE=44100
readonly CLIP_SECONDS=3.0
readonly CLIPS_PER_CLASS=8

# class  GM program (0-based)  lowest and highest MIDI note used
readonly CLASSES=(
  "piano   0 48 84"
  "guitar  24 40 76"
  "strings 40 55 88"
  "brass   56 55 82"
  "reed    65 49 80"
  "flute   73 60 93"
)

# shellcheck source=scripts/midi.sh
source "$(dirname "${BASH_SOURCE[0]}")/midi.sh"
begin_rendering make-demo-data.sh "$@"
clips=0
for entry in "${CLASSES[@]}"; do
  read -r class program low high <<<"$entry"
  mkdir -p "$outdir/$class"
  for ((i = 0; i < CLIPS_PER_CLASS; i++)); do
    render_phrase "$outdir/$class/$(printf '%s.%05d' "$class" "$i").wav" "$program" "$low" \
      "$high" "$i" "$RATE" 2 "$CLIP_SECONDS"
    clips=$((clips + 1))
  done
done

{
  echo "path,label"
  for entry in "${CLASSES[@]}"; do
    read -r class _ <<<"$entry"
    for ((i = 0; i < CLIPS_PER_CLASS; i++)); do
      printf '%s/%s.%05d.wav,%s\n' "$class" "$class" "$i" "$class"
    done
  done
} >"$outdir/labels.csv"

seconds=$(awk -v n="$clips" -v s="$CLIP_SECONDS" 'BEGIN { printf "%.1f", n * s }')
echo "made $clips clips in ${#CLASSES[@]} classes (${seconds} s) in $outdir"
