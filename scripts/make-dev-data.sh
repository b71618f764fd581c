#!/usr/bin/env bash
# Renders the development data set: a few hundred labelled clips of real instrument sounds, for
# comparing models where the 48 demo clips cannot (docs/training.md). Nine General MIDI instrument
# families, six presets (GM programs) each, seven phrases per preset: 378 clips of 3 s (19 min),
# 22.05 kHz mono 16-bit, from Debian packages only (fluidsynth, the FluidR3 GM soundfont, sox).
# Deterministic: the same files, byte for byte, on every run.
#
#   scripts/make-dev-data.sh OUTDIR
#
# Makes OUTDIR/<family>/<family>-pNNN.K.wav and OUTDIR/labels.csv (path,label,group). The group
# is the preset (family-pNNN): split and cross-validate with --group-by group, so that no preset
# has clips on both sides — a model must recognise the family in presets it never heard, as it
# must recognise a genre in artists it never heard.
set -euo pipefail

readonly RATE=22050
readonly CLIP_SECONDS=3.0
readonly PHRASES_PER_PRESET=7

# family  lowest and highest MIDI note  GM programs (0-based)
readonly FAMILIES=(
  "piano     36 84  0 1 2 3 4 5"
  "mallets   60 96  8 9 10 11 12 13"
  "organ     36 84  16 17 18 19 20 21"
  "guitar    40 76  24 25 26 27 28 29"
  "bass      28 55  32 33 34 35 36 37"
  "strings   48 88  40 41 42 44 48 49"
  "brass     48 82  56 57 58 59 60 61"
  "reed      50 81  64 65 66 67 68 69"
  "pipe      60 93  72 73 74 75 76 77"
)

# shellcheck source=scripts/midi.sh
source "$(dirname "${BASH_SOURCE[0]}")/midi.sh"
begin_rendering make-dev-data.sh "$@"

rows=()
clips=0
for entry in "${FAMILIES[@]}"; do
  read -r family low high programs <<<"$entry"
  mkdir -p "$outdir/$family"
  preset=0
  for program in $programs; do
    group=$(printf '%s-p%03d' "$family" "$program")
    for ((k = 0; k < PHRASES_PER_PRESET; k++)); do
      # Phrase shapes, roots and loudness differ between the presets of a family: the k-th
      # phrase of preset p is phrase 3p + k of phrase_notes.
      file="$family/$group.$k.wav"
      render_phrase "$outdir/$file" "$program" "$low" "$high" $((3 * preset + k)) "$RATE" 1 \
        "$CLIP_SECONDS"
      rows+=("$file,$family,$group")
      clips=$((clips + 1))
    done
    preset=$((preset + 1))
  done
done

{
  echo "path,label,group"
  printf '%s\n' "${rows[@]}"
} >"$outdir/labels.csv"

seconds=$(awk -v n="$clips" -v s="$CLIP_SECONDS" 'BEGIN { printf "%.1f", n * s }')
echo "made $clips clips of ${#FAMILIES[@]} families (${seconds} s) in $outdir"
