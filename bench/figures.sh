#!/usr/bin/env bash
# The project's scripted figures (README "Performance"): explorer and host comparisons.
# Usage: bash bench/figures.sh   (builds Release first; RUNS=5, DEPTH=8 and DEEP=9 by default:
# about 20 minutes on 2 quiet cores; RUNS=1 DEPTH=7 DEEP=8 for a quick look). The explorer's
# configurations run in rounds, and each ratio is taken within a round. BASE=d258e04 (the
# default; BASE= to skip) also builds that commit in a temporary worktree and runs its fuzzer
# alternately with this one's (issue 17's fuzz baseline). Run it on a quiet machine: other
# work on the cores changes every figure (docs/performance.md).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/rounds.sh
dotnet build -c Release src/UvmSim.Cli -v q -nologo >/dev/null
uvmsim() { dotnet src/UvmSim.Cli/bin/Release/net10.0/UvmSim.Cli.dll "$@"; }
out=$(mktemp -d)

echo "== fuzz --policy netbsd-8 --stop-on panic, seeds 1-10: seconds to the first panic, reproducer calls"
for seed in $(seq 1 10); do
  start=$(date +%s.%N)
  json=$(uvmsim fuzz --policy netbsd-8 --stop-on panic --seed "$seed" --format json --out "$out" || true)
  end=$(date +%s.%N)
  search=$(echo "$json" | grep -o '"seconds": [0-9.]*' | grep -o '[0-9.]*$')
  calls=$(echo "$json" | grep -o '"reproducerCalls": [0-9]*' | grep -o '[0-9]*$')
  echo "seed $seed: search ${search}s, whole command incl. shrinking $(echo "$end - $start" | awk '{printf "%.2f", $1 - $3}')s, reproducer ${calls} calls"
done | tee "$out/seeds.txt"
awk '{print $4}' "$out/seeds.txt" | tr -d 's,' | sort -n | awk '{a[NR]=$1} END {printf "median search time: %.3f s\n", (a[int((NR+1)/2)] + a[int(NR/2)+1]) / 2}'

echo "== explore (default universe)"
for p in netbsd-8 thorpej-2019 netbsd-9 dual; do uvmsim explore --policy "$p" --depth 6 --out "$out" || true; done

# median NAME RUNS CMD...: runs CMD (a JSON-printing uvmsim command) RUNS times and prints the
# median and range of its "seconds" and "callsPerSecond", with its "states".
median() {
  local name=$1 runs=$2; shift 2
  local secs=() rates=() states=""
  for _ in $(seq 1 "$runs"); do
    local json; json=$(uvmsim "$@" --format json --out "$out" || true)
    secs+=("$(echo "$json" | grep -o '"seconds": [0-9.]*' | grep -o '[0-9.]*$')")
    rates+=("$(echo "$json" | grep -o '"callsPerSecond": [0-9]*' | grep -o '[0-9]*$')")
    states=$(echo "$json" | grep -o '"states": [0-9]*' | grep -o '[0-9]*$')
  done
  printf '%s\n' "${secs[@]}" | sort -n | awk -v n="$name" -v r="$runs" -v st="$states" \
    '{a[NR]=$1} END {printf "%-44s median %7.2f s (%d runs, %.2f-%.2f), %s states\n", n, a[int((NR+1)/2)], r, a[1], a[NR], st}'
  printf '%s\n' "${rates[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%-44s median %9d calls/s\n", "", a[int((NR+1)/2)]}'
}
RUNS=${RUNS:-5}
DEPTH=${DEPTH:-8}
DEEP=${DEEP:-9}
BASE=${BASE-d258e04}

echo "== fuzz --policy dual --steps 10000000 (incremental audit and state hash after every call), one job then two; medians of $RUNS"
if [ -n "$BASE" ]; then
  base=$(mktemp -d)
  git worktree add -q --detach "$base/src" "$BASE"
  dotnet build -c Release "$base/src/src/UvmSim.Cli" -v q -nologo >/dev/null
  echo "   alternating with $BASE, built in $base"
  for _ in $(seq 1 "$RUNS"); do
    for side in base this; do
      if [ "$side" = base ]; then dll="$base/src/src/UvmSim.Cli/bin/Release/net10.0/UvmSim.Cli.dll"; else dll=src/UvmSim.Cli/bin/Release/net10.0/UvmSim.Cli.dll; fi
      dotnet "$dll" fuzz --policy dual --steps 10000000 --format json --out "$out" | grep -o '"callsPerSecond": [0-9]*' | grep -o '[0-9]*$' >>"$out/fuzz-$side.txt" || true
    done
  done
  git worktree remove --force "$base/src"
  rm -rf "$base"
  b=$(sort -n "$out/fuzz-base.txt" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  t=$(sort -n "$out/fuzz-this.txt" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  echo "fuzz --jobs 1: $BASE median $b calls/s ($(sort -n "$out/fuzz-base.txt" | tr '\n' ' ')), this median $t calls/s ($(sort -n "$out/fuzz-this.txt" | tr '\n' ' ')): $(awk -v b="$b" -v t="$t" 'BEGIN {printf "%.2fx", t / b}')"
else
  median "fuzz --jobs 1" "$RUNS" fuzz --policy dual --steps 10000000
fi
median "fuzz --jobs 2" "$RUNS" fuzz --policy dual --steps 10000000 --jobs 2

echo "== explore --policy dual: the undo walk (default) beside replaying every state from boot and computing it from snapshots, one job and two, and the walk with --symmetry (fewer states); $RUNS rounds"
echo "   (calls/s counts the calls made: a replay makes the whole sequence per successor, the undo walk and a snapshot one)"
echo "   (each round runs every configuration once, in an order that turns by one each round, and each ratio is taken"
echo "    within a round: this machine switches between two speeds for minutes at a time, docs/performance.md)"
configs=("walk $DEPTH 1" "walk $DEPTH 2" "replay $DEPTH 1" "replay $DEPTH 2" "snapshots $DEPTH 1" "walk $DEEP 1" "walk $DEEP 2" "symmetry $DEPTH 1")
declare -A secs cpus
for round in $(seq 1 "$RUNS"); do
  n=${#configs[@]}
  for k in $(seq 0 $((n - 1))); do
    read -r how depth jobs <<<"${configs[$(( (k + round - 1) % n ))]}"
    flag=""; [ "$how" = walk ] || flag="--$how"
    json=$(uvmsim explore --policy dual --depth "$depth" --jobs "$jobs" $flag --format json --out "$out" || true)
    secs["$how $depth $jobs $round"]=$(echo "$json" | grep -o '"seconds": [0-9.]*' | grep -o '[0-9.]*$')
    cpus["$how $depth $jobs $round"]=$(echo "$json" | grep -o '"cpuSeconds": [0-9.]*' | grep -o '[0-9.]*$')
    states=$(echo "$json" | grep -o '"states": [0-9]*' | grep -o '[0-9]*$')
    echo "   round $round: explore --depth $depth --jobs $jobs ${flag:-(walk)}: ${secs["$how $depth $jobs $round"]} s (${cpus["$how $depth $jobs $round"]} s of CPU), $states states"
  done
done
for c in "${configs[@]}"; do
  read -r how depth jobs <<<"$c"
  all=$(for r in $(seq 1 "$RUNS"); do echo "${secs["$how $depth $jobs $r"]}"; done)
  printf '%-44s median %7s s (%s)\n' "explore --depth $depth --jobs $jobs ($how)" "$(echo "$all" | mid)" "$(echo "$all" | sort -n | tr '\n' ' ')"
done
ratio "replay / walk, depth $DEPTH, one job" secs "replay $DEPTH 1" "walk $DEPTH 1"
ratio "replay / walk, depth $DEPTH, two jobs" secs "replay $DEPTH 2" "walk $DEPTH 2"
ratio "walk: one job / two jobs, depth $DEPTH" secs "walk $DEPTH 1" "walk $DEPTH 2"
ratio "replay: one job / two jobs, depth $DEPTH" secs "replay $DEPTH 1" "replay $DEPTH 2"
ceiling "walk: ceiling for two jobs, depth $DEPTH" secs cpus "walk $DEPTH 1"
ratio "walk: one job / two jobs, depth $DEEP" secs "walk $DEEP 1" "walk $DEEP 2"
ceiling "walk: ceiling for two jobs, depth $DEEP" secs cpus "walk $DEEP 1"
ratio "walk: depth $DEEP / depth $DEPTH, one job" secs "walk $DEEP 1" "walk $DEPTH 1"
ratio "walk: depth $DEEP / depth $DEPTH, two jobs" secs "walk $DEEP 2" "walk $DEPTH 2"
ratio "walk / walk --symmetry, depth $DEPTH, one job" secs "walk $DEPTH 1" "symmetry $DEPTH 1"

echo "== bench host, three consecutive runs (needs root or RLIMIT_MEMLOCK)"
for run in 1 2 3; do echo "-- run $run of 3"; uvmsim bench host || true; done

echo "== ExplorerBench: time and allocation per explorer call (BenchmarkDotNet, short job; EXPLORER_BENCH=0 to skip)"
if [ "${EXPLORER_BENCH:-1}" != 0 ]; then
  dotnet run -c Release --project bench/UvmSim.Bench -- --filter '*ExplorerBench*' --job short 2>&1 | grep -E '^\| ' || true
fi
rm -rf "$out"
