#!/usr/bin/env bash
# End-to-end check of mirkit on a real Slurm: brings up a private single-node cluster (munged,
# slurmctld, slurmd from Debian's munge and slurm-wlm, on 127.0.0.1 only, all state in one temp
# folder), runs `mirkit extract` as a job array (each task takes its shard from
# SLURM_ARRAY_TASK_ID/COUNT, no --shard flag), `mirkit merge` as a job that depends on the array
# (afterok), and checks the merged file is byte-identical (cmp) to one local `mirkit extract` of
# the same inputs. Stops every daemon it started and removes its temp folder on any exit.
#
#   scripts/slurm-e2e.sh [--mirkit PATH] [--shards N] [--files N] [--timeout SECONDS] [--keep]
#
#   --mirkit   the binary (default build/release/apps/mirkit/mirkit, built when missing)
#   --shards   array tasks (default 4)         --files    input WAVs to make (default 24)
#   --timeout  seconds to wait for the jobs (default 180)
#   --keep     keep the temp folder (config, logs, outputs) for a look afterwards
#
# Needs root (the daemons run as root) and `bash scripts/install-deps.sh scaleout`.
# Exit codes: 0 pass; 1 the check failed; 2 usage; 3 the environment failed (no binary, a daemon
# tool would not run); 77 cannot run here (not root, packages missing: CTest counts it skipped).
set -euo pipefail
E2E_NAME=slurm-e2e
# shellcheck source=scripts/e2e-common.sh
source "$(dirname "$0")/e2e-common.sh"

mirkit_arg='' shards=4 files=24 timeout_s=180 keep=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --mirkit) mirkit_arg=${2:?--mirkit needs a path}; shift 2 ;;
    --shards) shards=${2:?--shards needs a number}; shift 2 ;;
    --files) files=${2:?--files needs a number}; shift 2 ;;
    --timeout) timeout_s=${2:?--timeout needs seconds}; shift 2 ;;
    --keep) keep=1; shift ;;
    -h | --help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    *) die 2 "unknown argument '$1' (see --help)" ;;
  esac
done
[[ $shards =~ ^[1-9][0-9]*$ && $files =~ ^[1-9][0-9]*$ && $timeout_s =~ ^[1-9][0-9]*$ ]] ||
  die 2 "--shards, --files and --timeout take positive whole numbers"

[[ $(id -u) -eq 0 ]] || die 77 "cannot run here: must run as root (it starts munged, slurmctld and slurmd)"
e2e_need munged mungekey slurmctld slurmd sbatch squeue scontrol sinfo scancel sox cmp python3
mirkit=$(e2e_mirkit "$mirkit_arg") || exit $?

# --- the private cluster's state, and cleaning it up on every exit ---------------------------

tmp=$(mktemp -d /tmp/mirkit-slurm-e2e.XXXXXX)
chmod 755 "$tmp"
mkdir -p "$tmp"/{munge,state,spool,log,data,parts}
chmod 711 "$tmp/munge"  # the key inside stays 0400
munged_pid='' slurmctld_pid='' slurmd_pid='' job_ids=()

stop_pid() {  # stop_pid PID NAME: TERM, up to 10 s, then KILL
  local pid=$1 name=$2
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "$name ($pid) did not stop on TERM; killing it"
    kill -KILL "$pid" 2>/dev/null
  fi
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  if [[ ${#job_ids[@]} -gt 0 && -n $slurmctld_pid ]] && kill -0 "$slurmctld_pid" 2>/dev/null; then
    scancel "${job_ids[@]}" 2>/dev/null
    for _ in $(seq 1 50); do  # up to 5 s for cancelled steps to end
      [[ -z $(squeue -h -o %i 2>/dev/null) ]] && break
      sleep 0.1
    done
  fi
  if [[ $rc -ne 0 ]]; then
    # The jobs' own output, then the daemons' errors (their stderr only when the log is empty,
    # i.e. the daemon died before it could open it), without the noise every start makes.
    for log in "$tmp"/log/{extract-,merge-}*.out; do
      [[ -s $log ]] || continue
      echo "---- last lines of ${log#"$tmp"/}" >&2
      tail -n 12 "$log" >&2
    done
    for log in "$tmp"/log/*.log "$tmp"/log/{munged,slurmctld,slurmd}.out; do
      [[ -s $log ]] || continue
      [[ $log == */slurm*.out && -s ${log%.out}.log ]] && continue
      errors=$(grep -iE 'error|fatal' "$log" |
        grep -vE 'pmix|MPI: Cannot|state file|Trying backup' | tail -n 8)
      [[ -n $errors ]] && printf -- '---- errors in %s\n%s\n' "${log#"$tmp"/}" "$errors" >&2
    done
  fi
  say "stopping the cluster"
  stop_pid "$slurmd_pid" slurmd
  stop_pid "$slurmctld_pid" slurmctld
  stop_pid "$munged_pid" munged
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

# wait_for SECONDS WHAT COMMAND...: polls COMMAND every 0.2 s until it succeeds.
wait_for() {
  local seconds=$1 what=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die 1 "$what not ready after ${seconds} s"
    sleep 0.2
  done
}
alive() { kill -0 "$1" 2>/dev/null || die 1 "$2 exited at start (see its log above)"; }

# --- munge: its own key, socket and daemon, nothing under /etc or /run ----------------------

say "temp folder $tmp"
say "starting munged"
mungekey --create --keyfile="$tmp/munge/munge.key" >/dev/null 2>&1 ||
  die 3 "mungekey could not create a key"
chmod 400 "$tmp/munge/munge.key"
socket=$tmp/munge/munge.socket
munged --foreground --force --key-file="$tmp/munge/munge.key" --socket="$socket" \
  --pid-file="$tmp/munge/munged.pid" --seed-file="$tmp/munge/munged.seed" \
  --log-file="$tmp/log/munged.log" >>"$tmp/log/munged.log" 2>&1 &
munged_pid=$!
wait_for 15 munged test -S "$socket"
alive "$munged_pid" munged

# --- slurm.conf: one node, loopback only, two ports that are free now -----------------------

read -r ctld_port slurmd_port < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))')
cpus=$(nproc)
# /proc and uname rather than free and hostname: a minimal container may lack procps.
memory_mb=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)
host=$(uname -n)
host=${host%%.*}  # slurmctld only runs where SlurmctldHost names this host (short name)

export SLURM_CONF=$tmp/slurm.conf
cat >"$SLURM_CONF" <<EOF
# Written by scripts/slurm-e2e.sh for one test run; removed with its folder.
ClusterName=mirkit-e2e
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
MpiDefault=none
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
ReturnToService=2
SlurmdParameters=config_overrides
MinJobAge=600
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.log
NodeName=localhost NodeAddr=127.0.0.1 NodeHostname=localhost CPUs=$cpus RealMemory=$memory_mb State=UNKNOWN
PartitionName=e2e Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF

say "starting slurmctld (port $ctld_port) and slurmd (port $slurmd_port, $cpus CPUs)"
slurmctld -D -i -f "$SLURM_CONF" >>"$tmp/log/slurmctld.out" 2>&1 &
slurmctld_pid=$!
wait_for 30 slurmctld bash -c 'scontrol ping | grep -q "is UP"'
alive "$slurmctld_pid" slurmctld
slurmd -D -N localhost -f "$SLURM_CONF" >>"$tmp/log/slurmd.out" 2>&1 &
slurmd_pid=$!
# shellcheck disable=SC2016  # expanded by the inner bash, on each poll
wait_for 30 "the node" bash -c '[[ $(sinfo -h -N -n localhost -o %T) == idle* ]]'
alive "$slurmd_pid" slurmd
say "cluster up: $(sinfo -h -N -o '%N %T %c CPUs')"

# --- inputs and the local reference run -----------------------------------------------------

cd "$tmp"  # paths in the feature files are relative to here, for the jobs too (--chdir)
say "making $files input WAVs"
e2e_make_inputs data "$files"
say "local run: one mirkit extract over all inputs"
"$mirkit" -q extract data -c "$E2E_CONFIG" -o local.safetensors -j "$cpus" ||
  die 1 "the local mirkit extract failed"

# --- the job array and the dependent merge --------------------------------------------------

# No --shard: each task must take it from SLURM_ARRAY_TASK_ID/COUNT, as the docs promise.
cat >extract.sbatch <<EOF
#!/bin/bash
set -euo pipefail
exec $(printf '%q' "$mirkit") -q extract data -c $(printf '%q' "$E2E_CONFIG") \\
  -o parts/part-\$SLURM_ARRAY_TASK_ID.safetensors -j 1 --resume
EOF
array_id=$(sbatch --parsable --array="0-$((shards - 1))" --job-name=mirkit-extract \
  --chdir="$tmp" --output="$tmp/log/extract-%A_%a.out" --cpus-per-task=1 --time=10 \
  extract.sbatch) || die 1 "sbatch of the extract array failed"
array_id=${array_id%%;*}
job_ids+=("$array_id")
merge_id=$(sbatch --parsable --dependency="afterok:$array_id" --kill-on-invalid-dep=yes \
  --job-name=mirkit-merge --chdir="$tmp" --output="$tmp/log/merge-%j.out" --time=10 \
  --wrap="$(printf '%q' "$mirkit") -q merge parts/*.safetensors -o merged.safetensors") ||
  die 1 "sbatch of the merge job failed"
merge_id=${merge_id%%;*}
job_ids+=("$merge_id")
say "submitted extract array $array_id (tasks 0-$((shards - 1))) and merge $merge_id (afterok:$array_id)"

job_state() { scontrol -o show job "$1" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | head -n 1 | cut -d= -f2; }
deadline=$((SECONDS + timeout_s))
last=''
while :; do
  state=$(job_state "$merge_id")
  tasks=$(squeue -h -r -j "$array_id" -o %T 2>/dev/null | sort | uniq -c | awk '{ printf "%s%s %s", sep, $1, $2; sep=", " }')
  now="merge $state; array tasks in queue: ${tasks:-none}"
  [[ $now != "$last" ]] && say "$now"
  last=$now
  case "$state" in
    COMPLETED) break ;;
    PENDING | RUNNING | CONFIGURING | COMPLETING | '') ;;
    *)
      scontrol -o show job "$array_id" 2>/dev/null | awk '{
        for (i = 1; i <= NF; i++) {
          split($i, kv, "=")
          if (kv[1] == "ArrayTaskId") task = kv[2]
          if (kv[1] == "JobState") state = kv[2]
          if (kv[1] == "ExitCode") code = kv[2]
        }
        print "  extract task " task ": " state " (exit code " code ")" }' | sort >&2
      die 1 "the merge job ended $state (an extract task failed, or the merge did)" ;;
  esac
  ((SECONDS < deadline)) || die 1 "the jobs did not finish within ${timeout_s} s"
  kill -0 "$slurmctld_pid" 2>/dev/null || die 1 "slurmctld died while the jobs ran"
  kill -0 "$slurmd_pid" 2>/dev/null || die 1 "slurmd died while the jobs ran"
  sleep 0.2  # polling the job state: Slurm has no event to wait on from a script
done

# Each part must say which shard it is: the tasks took I/N from the array environment.
for ((i = 0; i < shards; i++)); do
  info=$("$mirkit" info "parts/part-$i.safetensors" 2>&1) || info=''
  [[ $info == *"\"shard\":[$i,$shards]"* ]] ||
    die 1 "parts/part-$i.safetensors is missing or is not shard $i/$shards"
done
say "all $shards array tasks wrote their shard; merge completed"
e2e_compare local.safetensors merged.safetensors
