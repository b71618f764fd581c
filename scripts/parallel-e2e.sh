#!/usr/bin/env bash
# End-to-end check of mirkit with GNU parallel: runs `mirkit extract --shard I/N` for every I
# through `parallel ... ::: $(seq 0 N-1)`, joins the parts with `mirkit merge`, and checks the
# merged file is byte-identical (cmp) to one local `mirkit extract` of the same inputs. Works in
# a temp folder that is removed on any exit.
#
#   scripts/parallel-e2e.sh [--mirkit PATH] [--shards N] [--files N] [--jobs J] [--timeout SECONDS] [--keep]
#
#   --mirkit   the binary (default build/release/apps/mirkit/mirkit, built when missing)
#   --shards   shards (default 8)              --files    input WAVs to make (default 24)
#   --jobs     shards run at once (default: one per core)
#   --timeout  seconds for all the shards together (default 180)
#   --keep     keep the temp folder for a look afterwards
#
# Needs `bash scripts/install-deps.sh scaleout` (parallel, sox). No root, no network.
# Exit codes: 0 pass; 1 the check failed; 2 usage; 3 the environment failed (no binary);
# 77 cannot run here (packages missing: CTest counts it skipped).
set -euo pipefail
E2E_NAME=parallel-e2e
# shellcheck source=scripts/e2e-common.sh
source "$(dirname "$0")/e2e-common.sh"

mirkit_arg='' shards=8 files=24 jobs=$(nproc) timeout_s=180 keep=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --mirkit) mirkit_arg=${2:?--mirkit needs a path}; shift 2 ;;
    --shards) shards=${2:?--shards needs a number}; shift 2 ;;
    --files) files=${2:?--files needs a number}; shift 2 ;;
    --jobs) jobs=${2:?--jobs needs a number}; shift 2 ;;
    --timeout) timeout_s=${2:?--timeout needs seconds}; shift 2 ;;
    --keep) keep=1; shift ;;
    -h | --help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    *) die 2 "unknown argument '$1' (see --help)" ;;
  esac
done
for value in "$shards" "$files" "$jobs" "$timeout_s"; do
  [[ $value =~ ^[1-9][0-9]*$ ]] || die 2 "--shards, --files, --jobs and --timeout take positive whole numbers"
done

e2e_need parallel sox cmp timeout
# Debian's parallel is GNU parallel; moreutils ships another `parallel` with other options.
parallel --version 2>/dev/null | grep -q 'GNU parallel' ||
  die 77 "cannot run here: 'parallel' on PATH is not GNU parallel (moreutils' one?); install the parallel package"
mirkit=$(e2e_mirkit "$mirkit_arg") || exit $?

tmp=$(mktemp -d /tmp/mirkit-parallel-e2e.XXXXXX)
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ $keep -eq 1 ]]; then
    say "kept $tmp"
  else
    rm -rf "$tmp"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT
trap 'say "terminated"; exit 143' TERM

cd "$tmp"  # paths in the feature files are relative to here
say "temp folder $tmp"
say "making $files input WAVs"
e2e_make_inputs data "$files"
say "local run: one mirkit extract over all inputs"
"$mirkit" -q extract data -c "$E2E_CONFIG" -o local.safetensors -j "$jobs" ||
  die 1 "the local mirkit extract failed"

say "$shards shards through GNU parallel, $jobs at a time"
mkdir -p parts  # mirkit writes into existing folders only
# --halt now,fail=1: the first failed shard stops the rest; --joblog records each exit code.
# The environment is cleared of SLURM_ARRAY_* so a run inside a Slurm job tests --shard alone.
if ! timeout "$timeout_s" env -u SLURM_ARRAY_TASK_ID -u SLURM_ARRAY_TASK_COUNT \
  -u SLURM_ARRAY_TASK_MIN parallel --will-cite --halt now,fail=1 -j "$jobs" \
  --joblog parallel.log "$mirkit" -q extract data -c "$E2E_CONFIG" \
  -o "parts/{}-of-$shards.safetensors" --shard "{}/$shards" -j 1 ::: $(seq 0 $((shards - 1))); then
  [[ -s parallel.log ]] && cat parallel.log >&2
  die 1 "a shard failed or the shards took longer than ${timeout_s} s"
fi
for ((i = 0; i < shards; i++)); do
  [[ -s parts/$i-of-$shards.safetensors ]] || die 1 "shard $i wrote no parts/$i-of-$shards.safetensors"
done
say "merging the $shards parts"
"$mirkit" -q merge parts/*-of-"$shards".safetensors -o merged.safetensors ||
  die 1 "mirkit merge failed"
e2e_compare local.safetensors merged.safetensors
