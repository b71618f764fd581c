#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite twice: the release build,
# then the AddressSanitizer + UndefinedBehaviorSanitizer build; then the threaded paths (-j over
# files, parallel training) under ThreadSanitizer. Warnings are errors here. Ends with CTest's
# summary line.
#
#   scripts/test.sh            the three presets
#   scripts/test.sh release    one preset (release, debug, asan or tsan)
set -euo pipefail
cd "$(dirname "$0")/.."

presets=("${@:-release asan tsan}")
read -r -a presets <<<"${presets[*]}"
jobs=$(nproc 2>/dev/null || echo 2)

bash scripts/install-deps.sh build

for preset in "${presets[@]}"; do
  echo "== $preset: configure and build"
  cmake --preset "$preset" -DMIRKIT_WERROR=ON >/dev/null
  # Progress lines are dropped; with pipefail a failed build still fails the script.
  cmake --build --preset "$preset" -j "$jobs" 2>&1 |
    { grep -vE '^\[ *[0-9]+%\]|^(Consolidate|Scanning)' || true; }
  echo "== $preset: test"
  ctest --preset "$preset" -j "$jobs" 2>&1 | { grep -vE '^ *Start |Test +#[0-9]+: .* Passed' || true; }
done
