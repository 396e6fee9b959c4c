#!/usr/bin/env bash
# The project's scripted figures (README "Performance"): explorer and host comparisons.
# Usage: bash bench/figures.sh   (builds Release first; under a minute on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
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

echo "== fuzz --policy dual --steps 10000000 (one core, incremental audit after every call), then on two jobs"
uvmsim fuzz --policy dual --steps 10000000 --out "$out"
uvmsim fuzz --policy dual --steps 10000000 --jobs 2 --out "$out"

echo "== explore --policy dual --depth 8, one job then two (the same answer)"
uvmsim explore --policy dual --depth 8 --out "$out"
uvmsim explore --policy dual --depth 8 --jobs 2 --out "$out"

echo "== bench host (needs root or RLIMIT_MEMLOCK)"
uvmsim bench host || true
rm -rf "$out"
