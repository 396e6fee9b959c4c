# Helpers for the scripts that measure in rounds (bench/figures.sh, bench/runtime.sh); sourced.
# Each round runs every configuration once, and a ratio is taken within a round, because this
# machine switches between two speeds for minutes at a time (docs/performance.md).

# mid: the median of the numbers on stdin, to two decimals.
mid() { sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]}'; }

# ratio NAME TABLE A B: the median over rounds 1..RUNS of TABLE["A r"] / TABLE["B r"], with each round's ratio.
ratio() {
  local -n table=$2
  local all; all=$(for r in $(seq 1 "$RUNS"); do awk -v a="${table["$3 $r"]}" -v b="${table["$4 $r"]}" 'BEGIN {printf "%.2f\n", a / b}'; done)
  printf '%-52s median %5sx (rounds: %s)\n' "$1" "$(echo "$all" | mid)" "$(echo "$all" | tr '\n' ' ')"
}

# ceiling NAME WALL CPU A: the median over rounds of 2 × WALL["A r"] / CPU["A r"]: what two jobs on
# two cores could gain at most over the one-job run A, if they split its CPU work (the search's and
# the runtime's own threads') perfectly; a one-job run that keeps more than one core busy lowers it.
ceiling() {
  local -n walls=$2 cpus=$3
  local all; all=$(for r in $(seq 1 "$RUNS"); do awk -v w="${walls["$4 $r"]}" -v c="${cpus["$4 $r"]}" 'BEGIN {printf "%.2f\n", 2 * w / c}'; done)
  printf '%-52s median %5sx (rounds: %s)\n' "$1" "$(echo "$all" | mid)" "$(echo "$all" | tr '\n' ' ')"
}
