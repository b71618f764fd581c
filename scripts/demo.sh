#!/usr/bin/env bash
# The five-minute tour on a fresh Debian 12 machine: installs what is missing, builds the release
# preset, renders the demo data set, and runs the pipeline as far as it exists today:
# info → extract → split → train (SVM, random forest) → evaluate → predict, then the pictures:
# a spectrogram, the HTML evaluation report (and its screenshot), explanations, learning curves.
#
#   scripts/demo.sh [DATA_DIR]      (default: data/demo; results go to data/work/)
set -euo pipefail
cd "$(dirname "$0")/.."

data_dir=${1:-data/demo}
work_dir=data/work
jobs=$(nproc 2>/dev/null || echo 2)
mirkit=build/release/apps/mirkit/mirkit

step() { printf '\n== %s\n' "$*"; }

step "1/10 install missing Debian packages"
bash scripts/install-deps.sh build demo
echo "ok"

step "2/10 build (release preset)"
cmake --preset release >/dev/null
cmake --build --preset release -j "$jobs" --target mirkit 2>&1 |
  { grep -vE '^\[ *[0-9]+%\]|^(Consolidate|Scanning)' || true; }
"$mirkit" --version

step "3/10 render the demo data set into $data_dir"
bash scripts/make-demo-data.sh "$data_dir"

step "4/10 mirkit info --check: decode every file, one JSON line each"
mkdir -p "$work_dir"
"$mirkit" info --check "$data_dir" >"$work_dir/info.jsonl"
head -n 2 "$work_dir/info.jsonl"
files=$(wc -l <"$work_dir/info.jsonl")
seconds=$(awk -F'"duration_s":' '{ split($2, v, /[,}]/); total += v[1] } END { printf "%.1f", total }' \
  "$work_dir/info.jsonl")
printf 'read %d files, %s s of audio; all of them in %s\n' "$files" "$seconds" "$work_dir/info.jsonl"

step "5/10 mirkit extract: the gtzan.json recipe over every clip, on $jobs threads"
"$mirkit" extract "$data_dir" -c configs/features/gtzan.json -o "$work_dir/demo.safetensors" -j "$jobs"
"$mirkit" info "$work_dir/demo.safetensors" |
  sed -E 's/,"names":\[[^]]*\]//; s/,"tensors":.*/}/'

step "6/10 mirkit split (stratified, seeded) and export to CSV"
"$mirkit" split "$work_dir/demo.safetensors" --test 0.25 --stratify --seed 1 \
  -o "$work_dir/train.safetensors" "$work_dir/test.safetensors"
"$mirkit" export "$work_dir/test.safetensors" --format csv -o "$work_dir/test.csv"
cut -d, -f1-5 "$work_dir/test.csv" | head -n 4

step "7/10 mirkit train: an SVM (grid search over C and gamma) and a random forest"
"$mirkit" train "$work_dir/train.safetensors" -m configs/models/svm.json -o "$work_dir/svm.safetensors" -j "$jobs"
"$mirkit" train "$work_dir/train.safetensors" -m configs/models/random_forest.json \
  -o "$work_dir/random_forest.safetensors" -j "$jobs"

step "8/10 mirkit evaluate on the held-out quarter, and mirkit predict from the raw audio"
for model in svm random_forest; do
  printf '\n-- %s\n' "$model"
  "$mirkit" evaluate "$work_dir/$model.safetensors" "$work_dir/test.safetensors" \
    -o "$work_dir/$model.metrics.json"
done
"$mirkit" predict "$work_dir/svm.safetensors" "$data_dir" -o "$work_dir/labels.csv" -j "$jobs" --top-k 2
head -n 4 "$work_dir/labels.csv"

step "9/10 a CNN trained natively on log-mel patches (configs/models/cnn.json), the same split"
"$mirkit" extract "$data_dir" -c configs/features/logmel-patches.json \
  -o "$work_dir/logmel.safetensors" -j "$jobs"
"$mirkit" split "$work_dir/logmel.safetensors" --test 0.25 --stratify --seed 1 \
  -o "$work_dir/logmel-train.safetensors" "$work_dir/logmel-test.safetensors"
"$mirkit" train "$work_dir/logmel-train.safetensors" -m configs/models/cnn.json \
  -o "$work_dir/cnn.safetensors" -j "$jobs" --plot-curves "$work_dir/cnn-curves.png"
"$mirkit" evaluate "$work_dir/cnn.safetensors" "$work_dir/logmel-test.safetensors" \
  -o "$work_dir/cnn.metrics.json"

step "10/10 pictures: a spectrogram, the evaluation report, explanations, learning curves"
clip="$data_dir/piano/piano.00003.wav"
"$mirkit" plot "$clip" --kind cqt -o "$work_dir/piano-cqt.png"
"$mirkit" -q evaluate --cv 4 "$work_dir/demo.safetensors" -m configs/models/svm.json \
  --report "$work_dir/report" 2>/dev/null
bash scripts/report-screenshot.sh "$work_dir/report/report.html" "$work_dir/report.png" 1100 2000
"$mirkit" explain "$work_dir/random_forest.safetensors" "$clip" -o "$work_dir/explain-forest.png"
"$mirkit" explain "$work_dir/cnn.safetensors" "$clip" -o "$work_dir/saliency.png"
"$mirkit" train "$work_dir/train.safetensors" -m configs/models/gradient_boosting.json \
  -o "$work_dir/gradient_boosting.safetensors" --plot-curves "$work_dir/learning-curves.png"
ls "$work_dir"/*.png "$work_dir/report/report.html"

printf '\nDone. Feature files, models, metrics, labels and pictures are in %s.\n' "$work_dir"
