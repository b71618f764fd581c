# shellcheck shell=bash disable=SC2034  # the variables are used by the sourcing scripts
# Shared by scripts/slurm-e2e.sh and scripts/parallel-e2e.sh (sourced, not run): the binary,
# the input set, the single local run both compare against, and messages.
# The sourcing script sets E2E_NAME before sourcing.

E2E_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly E2E_ROOT
readonly E2E_DEFAULT_MIRKIT=$E2E_ROOT/build/release/apps/mirkit/mirkit
readonly E2E_CONFIG=$E2E_ROOT/configs/features/gtzan.json

say() { printf '%s: %s\n' "$E2E_NAME" "$*"; }
# die CODE MESSAGE: exit codes follow DESIGN.md where they fit: 1 the check failed,
# 2 usage, 3 the environment failed (no binary, a tool that would not run); and 77, the automake
# and CTest (SKIP_RETURN_CODE) convention for "cannot run here": not root, packages missing.
die() {
  local code=$1
  shift
  printf '%s: FAILED: %s\n' "$E2E_NAME" "$*" >&2
  exit "$code"
}

# e2e_need COMMAND... : each must be on PATH, else exit 77 (skip) naming the package set.
e2e_need() {
  local missing=()
  for command in "$@"; do
    command -v "$command" >/dev/null 2>&1 || missing+=("$command")
  done
  [[ ${#missing[@]} -eq 0 ]] ||
    die 77 "cannot run here: missing ${missing[*]} (install with: bash scripts/install-deps.sh scaleout)"
}

# e2e_mirkit [PATH]: prints the absolute path of the mirkit binary; without PATH the release
# build, built first when missing.
e2e_mirkit() {
  local binary=${1:-}
  if [[ -z $binary ]]; then
    binary=$E2E_DEFAULT_MIRKIT
    if [[ ! -x $binary ]]; then
      say "building $binary (missing)" >&2
      (cd "$E2E_ROOT" && cmake --preset release -DMIRKIT_WERROR=ON >/dev/null &&
        cmake --build --preset release -j2 --target mirkit >/dev/null) ||
        die 3 "could not build the release mirkit"
    fi
  fi
  [[ -x $binary ]] || die 3 "no mirkit binary at $binary"
  (cd "$(dirname "$binary")" && printf '%s/%s\n' "$(pwd)" "$(basename "$binary")")
}

# e2e_make_inputs DIR COUNT: COUNT short WAVs (1 s, 22.05 kHz, 16-bit mono) in four labelled
# folders, made with sox without dither so the same bytes come out on every run.
e2e_make_inputs() {
  local dir=$1 count=$2 waves=(sine square sawtooth triangle)
  for ((i = 0; i < count; i++)); do
    local wave=${waves[i % 4]}
    mkdir -p "$dir/$wave"
    sox -n -r 22050 -b 16 -c 1 -D "$dir/$wave/$(printf '%s.%05d.wav' "$wave" "$i")" \
      synth 1.0 "$wave" $((220 + 37 * i)) vol 0.5 ||
      die 3 "sox could not make the input files"
  done
}

# e2e_compare LOCAL MERGED: cmp, and a clear verdict.
e2e_compare() {
  local local_run=$1 merged=$2
  [[ -s $merged ]] || die 1 "the merged file $merged is missing or empty"
  if cmp "$local_run" "$merged"; then
    say "PASS: merged shards are byte-identical to one local run ($(wc -c <"$merged") bytes)"
  else
    die 1 "merged shards differ from one local run ($merged vs $local_run)"
  fi
}
