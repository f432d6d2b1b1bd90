#!/bin/bash
# leaks.sh: `make bench`'s leak-checker rows: a malloc-heavy and a
# compute-heavy target, each untraced, under `utap leaks`, under
# `valgrind --leak-check=full` and under heaptrack (when installed): wall
# time, slowdown, and whether each tool found the leaks the target planted
# (it prints "planted BLOCKS BYTES").
#
# usage: tests/bench/leaks.sh UTAP BENCHDIR
# environment: BENCH_LEAKS_PAIRS (malloc/free pairs, 1000000),
#   BENCH_LEAKS_ROUNDS (compute-heavy rounds, 600), BENCH_LEAKS_RUNS (3)
set -u

UTAP=$(realpath -m "${1:-./utap}")
DIR=$(realpath -m "${2:-build/bench}")
PAIRS=${BENCH_LEAKS_PAIRS:-1000000}
ROUNDS=${BENCH_LEAKS_ROUNDS:-600}
RUNS=${BENCH_LEAKS_RUNS:-3}
TMP=$(mktemp -d /tmp/utap-leaks-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

now_us() { local t=$EPOCHREALTIME; echo $((10#${t/./})); }

# timed OUT CMD...: run CMD (output to OUT), print its wall time in µs.
timed()
{
	local out=$1 t0 t1
	shift
	t0=$(now_us)
	"$@" >"$out" 2>&1 </dev/null
	t1=$(now_us)
	echo $((t1 - t0))
}

# median of the arguments
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# found TOOL OUT PLANTED: "yes"/"no": did TOOL report "definitely lost" =
# the planted blocks and bytes (heaptrack: its leak total covers them).
found()
{
	local blocks=${3% *} bytes=${3#* } got
	case $1 in
	utap | utap-pin)
		grep -q "^  definitely lost: $bytes bytes in $blocks blocks$" "$2" && echo yes || echo no ;;
	valgrind)
		got=$(sed -n 's/.*definitely lost: \([0-9,]*\) bytes in \([0-9,]*\) blocks.*/\2 \1/p' "$2" | tr -d ,)
		[ "$got" = "$blocks $bytes" ] && echo yes || echo no ;;
	heaptrack)
		# heaptrack counts every byte not freed at exit, leaked or not
		got=$(sed -n 's/^total memory leaked: \([0-9.]*\)\(B\|K\)\?.*/\1 \2/p' "$2" | head -n 1)
		awk -v g="${got% *}" -v u="${got#* }" -v b="$bytes" \
			'BEGIN { if (u == "K") g *= 1000; print (g >= b ? "yes (" g " B not freed)" : "no") }' ;;
	esac
}

# bench_target NAME CMD...: one row per tool.
bench_target()
{
	local name=$1 planted base t tool out times=() i
	shift
	for ((i = 0; i < RUNS; i++)); do times+=("$(timed "$TMP/plain.out" "$@")"); done
	base=$(median "${times[@]}")
	planted=$(sed -n 's/.*planted \([0-9]*\) \([0-9]*\).*/\1 \2/p' "$TMP/plain.out")
	printf '  %-14s %-28s %10.2f s   %-9s %s\n' "$name" "untraced" "$(awk -v t="$base" 'BEGIN { print t / 1e6 }')" "1x" "planted: $planted"
	for tool in utap utap-pin valgrind heaptrack; do
		out=$TMP/$tool.out
		case $tool in
		utap) t=$(timed "$out" "$UTAP" leaks -- "$@") ;;
		utap-pin) t=$(timed "$out" "$UTAP" leaks --pin -- "$@") ;;
		valgrind)
			if ! command -v valgrind >/dev/null; then
				printf '  %-14s %-28s n/a (not installed; make bench installs it as root)\n' "$name" "valgrind"
				continue
			fi
			t=$(timed "$out" valgrind --leak-check=full "$@") ;;
		heaptrack)
			if ! command -v heaptrack >/dev/null; then
				printf '  %-14s %-28s n/a (not installed)\n' "$name" "heaptrack"
				continue
			fi
			t=$(timed "$out" heaptrack -o "$TMP/ht" "$@")
			heaptrack_print "$TMP"/ht*.zst >"$out" 2>&1 || heaptrack_print "$TMP"/ht* >"$out" 2>&1
			rm -f "$TMP"/ht* ;;
		esac
		TIME[$name,$tool]=$t
		printf '  %-14s %-28s %10.2f s   %-9s found the planted leaks: %s\n' "$name" \
			"$(case $tool in utap) echo "utap leaks" ;; utap-pin) echo "utap leaks --pin" ;; valgrind) echo "valgrind --leak-check=full" ;; *) echo heaptrack ;; esac)" \
			"$(awk -v t="$t" 'BEGIN { print t / 1e6 }')" \
			"$(awk -v t="$t" -v b="$base" 'BEGIN { printf "%.1fx", t / b }')" \
			"$(found "$tool" "$out" "$planted")"
	done
}

declare -A TIME
[ -x "$DIR/alloc_heavy" ] && [ -x "$DIR/compute_heavy" ] || {
	echo "leaks bench: build $DIR/alloc_heavy and $DIR/compute_heavy first" >&2
	exit 1
}
echo
echo "leak checkers: wall time (untraced: median of $RUNS runs; tools: one run each)"
bench_target "malloc-heavy" "$DIR/alloc_heavy" "$PAIRS"
bench_target "compute-heavy" "$DIR/compute_heavy" "$ROUNDS"
echo
echo "goals"
for name in compute-heavy malloc-heavy; do
	u=${TIME[$name,utap]:-} v=${TIME[$name,valgrind]:-}
	if [ -z "$u" ] || [ -z "$v" ]; then
		echo "  leaks    $name: n/a"
		continue
	fi
	r=$(awk -v u="$u" -v v="$v" 'BEGIN { printf "%.3g", v / u }')
	if [ "$name" = compute-heavy ]; then
		echo "  leaks    $name: valgrind time / utap leaks time = ${r}x   goal >= 10x   $(awk -v r="$r" 'BEGIN { print (r >= 10 ? "met" : "MISSED") }')"
	else
		echo "  leaks    $name: valgrind time / utap leaks time = ${r}x   (no goal yet: this sets it)"
		p=${TIME[$name,utap-pin]:-}
		[ -n "$p" ] && echo "  leaks    $name: valgrind time / utap leaks --pin time = $(awk -v u="$p" -v v="$v" 'BEGIN { printf "%.3g", v / u }')x"
	fi
done
