#!/usr/bin/env bash
# Compares every shipped model recipe on the development data set (scripts/make-dev-data.sh):
# the classical models on gtzan.json vectors, the networks on log-mel patches or the waveform,
# all on one group-disjoint split (no instrument preset on both sides), and prints the table of
# docs/training.md: held-out accuracy, macro F1, wall-clock training time and model size.
#
#   scripts/compare-recipes.sh DEVDIR WORKDIR [extra `mirkit train` options, e.g. --set epochs=20]
#
# Run by hand (a comparison, not a test): about an hour on 2 cores. Uses build/release's mirkit.
set -euo pipefail

die() { echo "compare-recipes.sh: $*" >&2; exit 2; }
[[ $# -ge 2 ]] || die "usage: scripts/compare-recipes.sh DEVDIR WORKDIR [train options]"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
readonly mirkit=build/release/apps/mirkit/mirkit
[[ -x $mirkit ]] || die "$mirkit is missing: cmake --build --preset release"
dev=$1 work=$2
shift 2
mkdir -p "$work"

# One split for every feature file: the same items in the same order, the same groups and seed.
for recipe in gtzan logmel-patches waveform; do
  [[ -s $work/$recipe-test.safetensors ]] && continue
  "$mirkit" -q extract "$dev/labels.csv" -c "configs/features/$recipe.json" \
    -o "$work/$recipe.safetensors" -j 2
  "$mirkit" -q split "$work/$recipe.safetensors" --test 0.25 --stratify --group-by group \
    --seed 1 -o "$work/$recipe-train.safetensors" "$work/$recipe-test.safetensors"
done

row() {  # stem recipe features [train options]: the model is WORKDIR/stem.safetensors
  local stem=$1 name=$2 features=$3 model="$work/$1.safetensors" start end
  start=$(date +%s.%N)
  "$mirkit" -q train "$work/$features-train.safetensors" -m "configs/models/$name.json" \
    -o "$model" -j 2 "${@:4}"
  end=$(date +%s.%N)
  "$mirkit" -q evaluate "$model" "$work/$features-test.safetensors" -o "$work/$stem.metrics.json"
  python3 - "$stem" "$name" "$features" "$work/$stem.metrics.json" "$model" "$start" "$end" <<'PY'
import json, os, sys
stem, name, features, metrics, model, start, end = sys.argv[1:]
m = json.load(open(metrics))
label = f"`{name}.json`" + ("" if stem == name else f" ({stem})")
print(f"| {label} | {features} | {m['accuracy']:.3f} | {m['macro_f1']:.3f} | "
      f"{float(end) - float(start):.0f} s | {os.path.getsize(model) / 1024:.0f} KiB |")
PY
}

echo "| recipe | features | accuracy | macro F1 | training (wall, -j 2) | model size |"
echo "|---|---|---|---|---|---|"
for name in svm random_forest gradient_boosting knn; do row "$name" "$name" gtzan; done
for name in cnn cnn_small crnn crnn_lstm resnet densenet tcn transformer; do
  row "$name" "$name" logmel-patches "$@"
done
# The small CNN again, distilled from the CNN above (knowledge distillation).
row distilled-from-cnn cnn_small logmel-patches --teacher "$work/cnn.safetensors" "$@"
row samplecnn samplecnn waveform "$@"
