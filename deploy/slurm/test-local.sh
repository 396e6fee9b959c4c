#!/usr/bin/env bash
# A real Slurm on this machine: one node on localhost (munged, slurmctld, slurmd), a
# sharded `explore` and a sharded `design` submitted as job arrays with a dependent merge
# job each, and the merged answers checked against single-process runs of the same
# searches. Everything it starts and writes is stopped and removed on exit.
#
#   bash deploy/slurm/test-local.sh          (as root; installs slurm-wlm and munge if missing)
#
# Settings (environment): SHARDS (4), DEPTH (7), POLICY (thorpej-2019: a policy with a
# finding, so the merge must pick the same shortest counterexample), CLEAN_POLICY (dual: a
# clean search, so the merge must give the same state count), DESIGN_DEPTH (4).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
shards=${SHARDS:-4}
depth=${DEPTH:-7}
policy=${POLICY:-thorpej-2019}
clean_policy=${CLEAN_POLICY:-dual}
design_depth=${DESIGN_DEPTH:-4}

say() { printf '== %s\n' "$*"; }
fail() { printf 'test-local: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || fail "run as root: it starts munged, slurmctld and slurmd"

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null \
   || ! command -v jq >/dev/null || ! command -v column >/dev/null; then
  say "installing slurm-wlm, munge, jq and bsdextrautils from Debian's packages"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q slurm-wlm munge jq bsdextrautils >/dev/null
fi

work=$(mktemp -d /tmp/uvmsim-slurm.XXXXXX)
chmod 755 "$work"
started_munged=
cleanup() {
  set +e
  if [ -n "${SLURM_CONF:-}" ] && [ -f "$SLURM_CONF" ]; then
    scancel --quiet --user=root >/dev/null 2>&1
  fi
  for pidfile in "$work/slurmd.pid" "$work/slurmctld.pid"; do
    [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null
  done
  sleep 1
  for pidfile in "$work/slurmd.pid" "$work/slurmctld.pid"; do
    [ -f "$pidfile" ] && kill -9 "$(cat "$pidfile")" 2>/dev/null
  done
  if [ -n "$started_munged" ]; then
    kill "$(cat /run/munge/munged.pid 2>/dev/null)" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "self-contained build (one directory to copy to a shared filesystem)"
dotnet publish "$repo/src/UvmSim.Cli" -c Release -r linux-x64 --self-contained -nologo -v q \
  -o "$work/uvmsim" >"$work/publish.log" 2>&1 || { cat "$work/publish.log" >&2; fail "dotnet publish failed"; }
uvmsim="$work/uvmsim/UvmSim.Cli"
[ -x "$uvmsim" ] || fail "no executable at $uvmsim"

say "munge"
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  [ -s /etc/munge/munge.key ] || { mkdir -p /etc/munge; dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none; }
  chown -R munge:munge /etc/munge && chmod 700 /etc/munge && chmod 400 /etc/munge/munge.key
  mkdir -p /run/munge /var/log/munge /var/lib/munge && chown munge:munge /run/munge /var/log/munge /var/lib/munge
  runuser -u munge -- /usr/sbin/munged
  started_munged=1
  for _ in $(seq 1 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
  munge -n | unmunge >/dev/null || fail "munged did not start"
fi

say "slurmctld and slurmd for one node ($(hostname -s), 2 CPUs)"
node=$(hostname -s)
cpus=$(nproc)
mem=$(awk '/MemTotal/ {print int($2 / 1024 / 2)}' /proc/meminfo)
mkdir -p "$work/state" "$work/spool"
cat >"$work/slurm.conf" <<EOF
ClusterName=uvmsimlocal
SlurmctldHost=$node
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldPort=16817
SlurmdPort=16818
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
NodeName=$node CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=local Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$work/slurm.conf"
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for _ in $(seq 1 100); do
  sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)' && break
  sleep 0.2
done
sinfo -h -o '%T' | grep -qE '^(idle|mixed|allocated)' || { cat "$work/slurmctld.log" "$work/slurmd.log" >&2; fail "the node did not come up"; }
ps -o pid=,args= -C slurmctld,slurmd | grep -v defunct || true

# Submits COMMAND ARGS as an N-task array plus a dependent merge job into DIR, waits for
# the merge through Slurm (sbatch --wait), and leaves DIR/merged.json.
sharded() {
  local dir=$1
  shift
  mkdir -p "$dir"
  local array
  array=$(sbatch --parsable --array=0-$((shards - 1)) --chdir="$dir" \
    "$repo/deploy/slurm/uvmsim-array.sbatch" "$uvmsim" "$dir" "$@")
  echo "array job $array: $shards tasks of uvmsim $*"
  squeue -h -j "$array" -o '  %i %T %R' || true
  sbatch --parsable --wait --dependency=afterok:"$array" --chdir="$dir" \
    "$repo/deploy/slurm/merge.sbatch" "$uvmsim" "$dir" >/dev/null \
    || { cat "$dir"/*.out "$dir"/*.log 2>/dev/null >&2; fail "merge job for $* failed"; }
  [ -s "$dir/merged.json" ] || fail "no merged.json for $*"
}

# The fields of a summary that a merge must reproduce exactly.
answer() {
  jq -cS 'if has("combinations")
          then {combinations: ([.combinations[] | [.label, .clean, .kind, .message, .reproducerCalls]] | sort), analysis}
          else {policy, found, kind, message, reproducerCalls, states} end' "$1"
}

# The answer's fields, one per line, for the side-by-side view.
fields() {
  jq -r 'if has("combinations")
         then "combinations  \(.combinations | length)",
              "safe          \(.analysis.safe | length)",
              "with finding  \([.combinations[] | select(.clean | not)] | length)",
              "verdict       \(.analysis.verdict | .[0:70])…"
         else "policy        \(.policy)", "found         \(.found)", "kind          \(.kind)",
              "states        \(.states)", "reproducer    \(.reproducerCalls) calls",
              "message       \(.message // "-" | .[0:60])" end' "$1"
}

compare() {
  local what=$1 merged=$2 single=$3
  say "$what: merged ($shards shards through Slurm) | single process"
  paste -d'|' <(fields "$merged") <(fields "$single" | cut -c15-) | column -t -s'|' | cut -c1-200
  if [ "$(answer "$merged")" != "$(answer "$single")" ]; then
    echo "merged: $(answer "$merged")" >&2
    echo "single: $(answer "$single")" >&2
    fail "$what: the merged answer differs from the single-process one"
  fi
  echo "$what: the same answer"
}

# Runs COMMAND ARGS sharded through Slurm into DIR and once in one process, and compares.
check() {
  local what=$1 name=$2
  shift 2
  say "$*"
  sharded "$work/$name" "$@"
  local status=0
  "$uvmsim" "$@" --format json --out "$work/single-$name" >"$work/single-$name.json" || status=$?
  [ "$status" -le 1 ] || fail "single $1 failed ($status)"
  compare "$what" "$work/$name/merged.json" "$work/single-$name.json"
}

check "explore $policy" explore explore --policy "$policy" --depth "$depth"
check "explore $clean_policy" explore-clean explore --policy "$clean_policy" --depth "$depth"
check "design" design design --base netbsd-8 --vary all --depth "$design_depth"

say "all merged answers equal the single-process answers"
