#!/usr/bin/env bash
# Installs the Debian packages mirkit needs, only those missing. Idempotent, non-interactive,
# and silent when nothing is missing.
#
#   scripts/install-deps.sh [build] [demo] [scaleout] [fuzz]     (default: build)
#
#   build: compiler, CMake and the libraries, GoogleTest, Google Benchmark, LIBSVM's
#          svm-train/svm-predict (the SVM parity test runs them), numpy (the tests check
#          docs/formats.md's numpy reader), cairo with the DejaVu fonts (figures) and librsvg
#          (the tests read the SVG figures back),
#          chromium (the report test opens the HTML report headless) and the scaleout set
#          (the tests run both end-to-end scripts)
#   demo:  fluidsynth with the General MIDI soundfont and sox, which make the demo data set
#   scaleout: Slurm (slurm-wlm) with munge, GNU parallel and sox, for scripts/slurm-e2e.sh and
#          scripts/parallel-e2e.sh (docs/scale-out.md)
#   fuzz:  what the library needs, and clang 14 with libFuzzer's runtime (libclang-rt-14-dev), for
#          the clang `fuzz` preset and scripts/fuzz.sh (docs/fuzzing.md)
set -euo pipefail

build_packages=(
  cmake g++ make pkg-config ccache
  libsndfile1-dev libmpg123-dev libfftw3-dev libeigen3-dev libsvm-dev libsvm-tools
  libcli11-dev nlohmann-json3-dev libhdf5-dev
  libcairo2-dev fonts-dejavu-core librsvg2-dev
  libgtest-dev libgmock-dev libbenchmark-dev libsoxr-dev
  python3-numpy
  chromium
)
demo_packages=(fluidsynth fluid-soundfont-gm sox)
scaleout_packages=(slurm-wlm munge parallel sox)
fuzz_packages=(
  cmake make pkg-config ccache clang libclang-rt-14-dev
  libsndfile1-dev libmpg123-dev libfftw3-dev libeigen3-dev libsvm-dev
  libcli11-dev nlohmann-json3-dev libhdf5-dev libcairo2-dev
)

wanted=()
for set in "${@:-build}"; do
  case "$set" in
    build) wanted+=("${build_packages[@]}" "${scaleout_packages[@]}") ;;
    demo) wanted+=("${demo_packages[@]}") ;;
    scaleout) wanted+=("${scaleout_packages[@]}") ;;
    fuzz) wanted+=("${fuzz_packages[@]}") ;;
    *) echo "install-deps.sh: unknown package set '$set' (known: build, demo, scaleout, fuzz)" >&2; exit 2 ;;
  esac
done

missing=()
for package in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null; then
    as_root=(sudo)
  else
    echo "install-deps.sh: missing packages (${missing[*]}) and not root; install them first" >&2
    exit 3
  fi
else
  as_root=()
fi

echo "install-deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
