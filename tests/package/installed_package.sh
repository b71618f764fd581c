#!/usr/bin/env bash
# The installed package as another project uses it: `cmake --install` into a temporary prefix,
# then examples/ built from there twice — with CMake (find_package(mirkit)) and with pkg-config
# (`pkg-config --cflags --libs mirkit`) — and run against what the installed `mirkit` itself
# makes: each example must give the very numbers of `mirkit export` and `mirkit predict`.
#
#   tests/package/installed_package.sh BUILD_DIR SOURCE_DIR WORK_DIR
#
# Exit codes as scripts/e2e-common.sh: 1 a check failed, 3 a step would not run, 77 a tool is
# missing (skipped).
set -euo pipefail
[[ $# -eq 3 ]] || { echo "usage: $0 BUILD_DIR SOURCE_DIR WORK_DIR" >&2; exit 2; }
build=$1
source_dir=$2
work=$3

E2E_NAME=installed_package
# shellcheck source=../../scripts/e2e-common.sh
source "$source_dir/scripts/e2e-common.sh"
e2e_need sox pkg-config c++ cmake

rm -rf "$work"
mkdir -p "$work"
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" >"$work/install.log" ||
  die 3 "cmake --install $build failed (see $work/install.log)"

# The public headers and nothing else: src/'s own headers stay in the source tree.
[[ -f $prefix/include/mirkit/pipeline/clip_scorer.hpp ]] || die 1 "a public header is missing"
[[ -f $prefix/include/mirkit/version.hpp ]] || die 1 "the generated version.hpp is missing"
while IFS= read -r private; do
  [[ ! -e $prefix/include/mirkit/$private ]] || die 1 "a private header (src/$private) was installed"
done < <(cd "$source_dir/src" && find . -name '*.hpp')

mirkit=$prefix/bin/mirkit
audio=$work/audio
e2e_make_inputs "$audio" 8
clip=$audio/sine/sine.00000.wav
recipe=$source_dir/configs/features/mfcc.json
"$mirkit" extract "$audio" -c "$recipe" -o "$work/features.safetensors" -q ||
  die 3 "the installed mirkit could not extract"
"$mirkit" train "$work/features.safetensors" -m "$source_dir/configs/models/knn.json" \
  -o "$work/model.safetensors" -q || die 3 "the installed mirkit could not train"
"$mirkit" export "$work/features.safetensors" --format csv -o "$work/features.csv" -q
"$mirkit" predict "$work/model.safetensors" "$clip" -o "$work/labels.csv" -q

# What the examples must print, from mirkit's own files: the clip's feature row (the columns after
# path, label and group) under the feature names, and "class<TAB>probability" per class.
{
  head -1 "$work/features.csv" | cut -d, -f4-
  grep -F "sine/sine.00000.wav," "$work/features.csv" | cut -d, -f4-
} >"$work/expected_matrix.csv"
awk -F, 'NR == 1 { for (i = 3; i <= NF; ++i) name[i] = $i }
         NR == 2 { for (i = 3; i <= NF; ++i) print name[i] "\t" $i }' "$work/labels.csv" |
  sort >"$work/expected_scores.tsv"
[[ $(wc -l <"$work/expected_matrix.csv") -eq 2 && -s $work/expected_scores.tsv ]] ||
  die 3 "mirkit's own export or predict output is not as expected"

check_examples() {  # check_examples HOW DIR: runs DIR's two programs and compares
  local how=$1 dir=$2
  "$dir/extract_matrix" "$recipe" "$clip" >"$dir/matrix.csv" 2>"$dir/matrix.log" ||
    die 1 "$how: extract_matrix failed: $(cat "$dir/matrix.log")"
  cmp -s "$dir/matrix.csv" "$work/expected_matrix.csv" ||
    die 1 "$how: extract_matrix's numbers differ from mirkit export's ($dir/matrix.csv)"
  "$dir/classify_file" "$work/model.safetensors" "$clip" >"$dir/scores.tsv" ||
    die 1 "$how: classify_file failed"
  sort "$dir/scores.tsv" | cmp -s - "$work/expected_scores.tsv" ||
    die 1 "$how: classify_file's probabilities differ from mirkit predict's ($dir/scores.tsv)"
  # A bad input: one line naming the file, the exit code of DESIGN.md's input errors.
  local status=0
  "$dir/classify_file" "$work/model.safetensors" "$work/missing.wav" 2>"$dir/bad.log" || status=$?
  [[ $status -eq 1 && $(wc -l <"$dir/bad.log") -eq 1 ]] && grep -qF missing.wav "$dir/bad.log" ||
    die 1 "$how: a missing file gave exit $status and: $(cat "$dir/bad.log")"
  say "PASS: $how: both examples give mirkit's own numbers"
}

# CMake: find_package(mirkit) from the prefix, and nothing from the build tree.
cmake -S "$source_dir/examples" -B "$work/cmake" -DCMAKE_PREFIX_PATH="$prefix" \
  >"$work/cmake.log" 2>&1 || die 1 "CMake could not configure examples/ ($work/cmake.log)"
cmake --build "$work/cmake" -j 2 >>"$work/cmake.log" 2>&1 ||
  die 1 "CMake could not build examples/ ($work/cmake.log)"
check_examples "CMake" "$work/cmake"

# pkg-config: one compiler line per program, with what `pkg-config --cflags --libs mirkit` says.
PKG_CONFIG_PATH=$(find "$prefix" -name mirkit.pc -printf '%h\n' | head -1)
[[ -n $PKG_CONFIG_PATH ]] || die 1 "no mirkit.pc was installed"
export PKG_CONFIG_PATH
pkg-config --exists --print-errors mirkit mirkit-plot || die 1 "pkg-config cannot use mirkit.pc"
mkdir -p "$work/pkg-config"
for program in classify_file extract_matrix; do
  # shellcheck disable=SC2046  # pkg-config's words are meant to be split
  c++ "$source_dir/examples/$program.cpp" -o "$work/pkg-config/$program" \
    $(pkg-config --cflags --libs mirkit) >>"$work/pkg-config.log" 2>&1 ||
    die 1 "pkg-config: could not build $program ($work/pkg-config.log)"
done
check_examples "pkg-config" "$work/pkg-config"
