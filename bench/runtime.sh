#!/usr/bin/env bash
# Where two explorer jobs lose (docs/performance.md, "The eighth round"): explore --policy dual
# --depth 8 with one job and two under three settings of the .NET runtime's JIT — the default
# (tiered, with profile-guided optimization), DOTNET_TieredPGO=0 and DOTNET_TieredCompilation=0
# — each run's wall time (the explorer's own "seconds") beside the CPU time of the whole process
# over the same span (its "cpuSeconds": user + system, every thread), so the JIT's share shows up
# as CPU that two jobs must share. One job's 2 × seconds / cpuSeconds is the most two jobs could
# gain on two cores if they split the same CPU work perfectly (docs/performance.md, "The ninth round").
# Usage: bash bench/runtime.sh   (RUNS=5 rounds and DEPTH=8 by default: about 3 minutes on 2
# quiet cores). Configurations run in rounds, in an order that turns by one each round, and each
# ratio is the median of the ratios taken within a round, as in bench/figures.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/rounds.sh
dotnet build -c Release src/UvmSim.Cli -v q -nologo >/dev/null
dll=src/UvmSim.Cli/bin/Release/net10.0/UvmSim.Cli.dll
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
RUNS=${RUNS:-5}
DEPTH=${DEPTH:-8}

# Each configuration: a name, the environment setting (X=1 sets nothing the runtime reads), jobs.
configs=("tiered X=1 1" "tiered X=1 2" "no-pgo DOTNET_TieredPGO=0 1" "no-pgo DOTNET_TieredPGO=0 2"
  "no-tiering DOTNET_TieredCompilation=0 1" "no-tiering DOTNET_TieredCompilation=0 2")
declare -A wall cpu
echo "== explore --policy dual --depth $DEPTH: wall (the explorer's seconds) and process CPU over the search (cpuSeconds); $RUNS rounds"
for round in $(seq 1 "$RUNS"); do
  n=${#configs[@]}
  for k in $(seq 0 $((n - 1))); do
    read -r name setting jobs <<<"${configs[$(( (k + round - 1) % n ))]}"
    env "$setting" dotnet "$dll" explore --policy dual --depth "$DEPTH" --jobs "$jobs" \
      --format json --progress none --out "$out" >"$out/json" || true
    wall["$name $jobs $round"]=$(grep -o '"seconds": [0-9.]*' "$out/json" | grep -o '[0-9.]*$')
    cpu["$name $jobs $round"]=$(grep -o '"cpuSeconds": [0-9.]*' "$out/json" | grep -o '[0-9.]*$')
    states=$(grep -o '"states": [0-9]*' "$out/json" | grep -o '[0-9]*$')
    echo "   round $round: $name --jobs $jobs: ${wall["$name $jobs $round"]} s wall, ${cpu["$name $jobs $round"]} s CPU, $states states"
  done
done
for c in "${configs[@]}"; do
  read -r name _ jobs <<<"$c"
  w=$(for r in $(seq 1 "$RUNS"); do echo "${wall["$name $jobs $r"]}"; done)
  u=$(for r in $(seq 1 "$RUNS"); do echo "${cpu["$name $jobs $r"]}"; done)
  printf '%-24s wall median %6s s (%s), CPU median %6s s\n' "$name --jobs $jobs" "$(echo "$w" | mid)" \
    "$(echo "$w" | sort -n | tr '\n' ' ')" "$(echo "$u" | mid)"
done
for name in tiered no-pgo no-tiering; do
  ratio "$name: wall, one job / two jobs" wall "$name 1" "$name 2"
  ratio "$name: CPU, two jobs / one job" cpu "$name 2" "$name 1"
  ceiling "$name: ceiling, 2 x one job's wall / CPU" wall cpu "$name 1"
done
ratio "one job: wall, no-tiering / tiered" wall "no-tiering 1" "tiered 1"
ratio "two jobs: wall, no-tiering / tiered" wall "no-tiering 2" "tiered 2"
ratio "one job: wall, no-pgo / tiered" wall "no-pgo 1" "tiered 1"
ratio "two jobs: wall, no-pgo / tiered" wall "no-pgo 2" "tiered 2"
