#!/usr/bin/env bash
# Builds the libFuzzer targets (the clang `fuzz` preset: ASan + UBSan) and runs each in turn, one
# at a time and niced, then prints per target: executions, executions per second, coverage,
# corpus and findings. docs/fuzzing.md explains the targets and records the results.
#
#   scripts/fuzz.sh [TARGET[,TARGET…]|all] [SECONDS]     (default: all, 600 s each)
#
# TARGET is safetensors, config, manifest or audio. The committed seeds (tests/fuzz/TARGET) are
# only read; new inputs go to build/fuzz/corpus/TARGET, findings (crash-*, timeout-*, oom-*,
# leak-*) to build/fuzz/findings/TARGET, logs to build/fuzz/logs. After a finding the fuzzer is
# started again on the grown corpus until the time is up, so one bug does not end the run.
# Environment: MIRKIT_FUZZ_JOBS (build jobs, default 2), MIRKIT_FUZZ_NICE (default 19).
set -euo pipefail
cd "$(dirname "$0")/.."

all_targets=(safetensors config manifest audio)
target=${1:-all}
seconds=${2:-600}
if [[ "$target" == all ]]; then
  targets=("${all_targets[@]}")
else
  IFS=, read -r -a targets <<<"$target"
  for name in "${targets[@]}"; do
    if [[ " ${all_targets[*]} " != *" $name "* ]]; then
      echo "fuzz.sh: unknown target '$name' (known: ${all_targets[*]}, all)" >&2
      exit 2
    fi
  done
fi
[[ "$seconds" =~ ^[0-9]+$ && "$seconds" -gt 0 ]] || {
  echo "fuzz.sh: SECONDS must be a positive integer, got '$seconds'" >&2
  exit 2
}

# Longest input per target: a few times the largest seed, small enough to keep runs fast.
declare -A max_len=([safetensors]=16384 [config]=4096 [manifest]=4096 [audio]=16384)
jobs=${MIRKIT_FUZZ_JOBS:-2}
niceness=${MIRKIT_FUZZ_NICE:-19}

bash scripts/install-deps.sh fuzz

echo "== fuzz: configure and build"
cmake --preset fuzz >/dev/null
nice -n 10 cmake --build --preset fuzz -j "$jobs" 2>&1 |
  { grep -vE '^\[ *[0-9]+%\]|^(Consolidate|Scanning)' || true; }

out=build/fuzz
mkdir -p "$out/logs"
summary=$out/summary.md
{
  echo "| target | seconds | total execs | execs/s | coverage (cov / ft) | corpus (files, bytes) | findings |"
  echo "|---|---|---|---|---|---|---|"
} >"$summary"

for name in "${targets[@]}"; do
  program=$out/fuzz/fuzz_$name
  corpus=$out/corpus/$name
  findings=$out/findings/$name
  log=$out/logs/$name.log
  mkdir -p "$corpus" "$findings"
  : >"$log"
  echo "== fuzz_$name: ${seconds} s (log: $log)"

  start=$(date +%s)
  deadline=$((start + seconds))
  execs=0
  runs=0
  while :; do
    left=$((deadline - $(date +%s)))
    ((left > 0)) || break
    runs=$((runs + 1))
    status=0
    # libFuzzer's -rss_limit_mb also caps single allocations (-malloc_limit_mb defaults to it):
    # a huge allocation is a finding (oom-*), not a swap storm. LSan knows the leaks of our
    # dependencies that the test suites know (tests/lsan.supp).
    LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp:print_suppressions=0 \
      UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      nice -n "$niceness" "$program" \
      -max_total_time="$left" -max_len="${max_len[$name]}" -timeout=10 -rss_limit_mb=2048 \
      -dict="fuzz/$name.dict" -artifact_prefix="$findings/" -print_final_stats=1 \
      "$corpus" "tests/fuzz/$name" >"$log.run" 2>&1 || status=$?
    run_execs=$(grep -E '^stat::number_of_executed_units:' "$log.run" | tail -1 | awk '{print $2}')
    execs=$((execs + ${run_execs:-0}))
    cat "$log.run" >>"$log"
    rm -f "$log.run"
    echo "fuzz.sh: run $runs ended with status $status" >>"$log"
    ((status == 0)) && break
    ((runs < 50)) || break
  done
  elapsed=$(($(date +%s) - start))

  # The machine is shared and the fuzzer runs niced: a timeout may be only the load. Each one is
  # replayed alone with the same limit; one that now finishes in time is kept as load-timeout-*
  # and not counted (the log says so), one that times out again stays a finding.
  for unit in "$findings"/timeout-*; do
    [[ -e "$unit" ]] || continue
    if "$program" -timeout=10 -rss_limit_mb=2048 "$unit" >>"$log" 2>&1; then
      echo "fuzz.sh: $unit replays within 10 s alone: machine load, not a finding" >>"$log"
      mv "$unit" "$findings/load-${unit##*/}"
    fi
  done

  coverage=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1 | sed -E 's/cov: ([0-9]+) ft: ([0-9]+)/\1 \/ \2/')
  corpus_files=$(find "$corpus" -type f | wc -l)
  corpus_bytes=$(du -sb "$corpus" | cut -f1)
  # slow-unit-* (libFuzzer's note of the slowest input so far) is no failure: not counted.
  found=$(find "$findings" -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' \
    -o -name 'leak-*' \) | wc -l)
  rate=$((elapsed > 0 ? execs / elapsed : execs))
  printf '   %s: %d s, %d execs, %d execs/s, coverage %s, corpus %d files (%d bytes), %d findings\n' \
    "$name" "$elapsed" "$execs" "$rate" "${coverage:-?}" "$corpus_files" "$corpus_bytes" "$found"
  echo "| $name | $elapsed | $execs | $rate | ${coverage:-?} | $corpus_files, $corpus_bytes | $found |" >>"$summary"
  if ((found > 0)); then
    find "$findings" -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' \
      -o -name 'leak-*' \) | sed 's/^/     /'
  fi
done

echo "== summary ($summary)"
cat "$summary"
