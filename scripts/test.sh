#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite twice: the release build,
# then the AddressSanitizer + UndefinedBehaviorSanitizer build; then the threaded paths (-j over
# files, parallel training) under ThreadSanitizer. Warnings are errors here. Each phase prints
# its wall and CPU time, and the end a table of them all, so every CI log shows where the time
# goes; past the budget a loud warning line (not a failure: a loaded machine must not block a
# landing). CTest's summary line of each preset comes before the table.
#
#   scripts/test.sh            the three presets
#   scripts/test.sh release    one preset (release, debug, asan or tsan)
set -euo pipefail
cd "$(dirname "$0")/.."

presets=("${@:-release asan tsan}")
read -r -a presets <<<"${presets[*]}"
jobs=$(nproc 2>/dev/null || echo 2)
# The budget: README's "Tests" section gives the measured figure; CI allows 90 minutes.
budget_minutes=60

# CPU time of this shell's finished children (and theirs), in seconds: cutime + cstime of
# /proc/PID/stat. $$ is this shell even inside $( ), where bash's `times` would see a subshell.
ticks=$(getconf CLK_TCK)
children_cpu_seconds() {
  awk -v ticks="$ticks" '{ printf "%.1f", ($16 + $17) / ticks }' "/proc/$$/stat"
}

phase_names=()
phase_walls=()
phase_cpus=()
run_phase() {  # run_phase NAME COMMAND…: runs it, records its wall and CPU seconds
  local name=$1
  shift
  local wall_start cpu_start wall cpu
  wall_start=$(date +%s.%N)
  cpu_start=$(children_cpu_seconds)
  "$@"
  wall=$(awk -v a="$wall_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  cpu=$(awk -v a="$cpu_start" -v b="$(children_cpu_seconds)" 'BEGIN { printf "%.1f", b - a }')
  echo "== $name: ${wall} s wall, ${cpu} s CPU"
  phase_names+=("$name")
  phase_walls+=("$wall")
  phase_cpus+=("$cpu")
}

build() {
  cmake --preset "$1" -DMIRKIT_WERROR=ON >/dev/null
  # Progress lines are dropped; with pipefail a failed build still fails the script.
  cmake --build --preset "$1" -j "$jobs" 2>&1 |
    { grep -vE '^\[ *[0-9]+%\]|^(Consolidate|Scanning)' || true; }
}

passed=0
failed=0
run_tests() {
  local log
  log=$(mktemp)
  ctest --preset "$1" -j "$jobs" 2>&1 | tee "$log" |
    { grep -vE '^ *Start |Test +#[0-9]+: .* Passed' || true; }
  # "100% tests passed, 0 tests failed out of 528"
  read -r p f < <(sed -nE 's/.* tests passed, ([0-9]+) tests? failed out of ([0-9]+).*/\2 \1/p' "$log" |
    awk '{ print $1 - $2, $2 }')
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
  rm -f "$log"
}

print_table() {
  local total_wall=0 total_cpu=0 i
  echo "== time per phase (wall s, CPU s; $jobs cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
  for i in "${!phase_names[@]}"; do
    printf '   %-26s %8s %8s\n' "${phase_names[$i]}" "${phase_walls[$i]}" "${phase_cpus[$i]}"
    total_wall=$(awk -v a="$total_wall" -v b="${phase_walls[$i]}" 'BEGIN { print a + b }')
    total_cpu=$(awk -v a="$total_cpu" -v b="${phase_cpus[$i]}" 'BEGIN { print a + b }')
  done
  printf '   %-26s %8.1f %8.1f\n' "total" "$total_wall" "$total_cpu"
  if awk -v w="$total_wall" -v b="$budget_minutes" 'BEGIN { exit !(w > b * 60) }'; then
    echo "!! WARNING: the test suite took $(awk -v w="$total_wall" 'BEGIN { printf "%.0f", w / 60 }')" \
      "minutes, over its ${budget_minutes}-minute budget (CI stops at 90): see the table above" \
      "and README's 'Tests' section"
  fi
}

run_phase "install" bash scripts/install-deps.sh build
for preset in "${presets[@]}"; do
  echo "== $preset: configure and build"
  run_phase "$preset: configure + build" build "$preset"
  echo "== $preset: test"
  run_phase "$preset: tests" run_tests "$preset"
done
print_table
# The whole run's count, last, in the plain form any CI reader takes.
echo "tests: $passed passed, $failed failed"
