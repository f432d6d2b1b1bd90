#!/bin/bash
# run.sh: `make bench`: per-hit cost of utap, ltrace, kernel uprobes and a bare ptrace loop.
#
# usage: tests/bench/run.sh UTAP BENCHDIR
#   UTAP      the utap binary (./utap)
#   BENCHDIR  where bench_target and floor were built (build/bench); results.txt goes there
# environment: BENCH_N (hits per run, 20000), BENCH_LTRACE_N (5000),
#   BENCH_STRACE_N (2000), BENCH_RUNS (5), BENCH_TIMEOUT (60 s per run)
#
# Per-hit overhead = (traced wall time - untraced wall time) / N, both at the same N and
# the same CPU placement, measured in this run; the median of $RUNS runs counts, the best
# is shown next to it (unpinned, the scheduler's placement of tracer and tracee makes a
# run anywhere from 10 to 50 µs/hit on a 2-vCPU VM). Every cell is taken in three
# placements: as launched (unpinned); the whole command on CPU 0 (pinned: taskset -c 0);
# the tracer on CPU 0 and the target moved to CPU 1 by itself (split: the cross-CPU cost
# that "unpinned" reaches when the scheduler spreads the two, without its whims).
set -u

UTAP=$(realpath -m "${1:-./utap}")
DIR=$(realpath -m "${2:-build/bench}")
BIN=$DIR/bench_target
FLOOR=$DIR/floor
RESULTS=$DIR/results.txt
TARGETS=$(realpath -m "${3:-build/targets}")
HOG_PIDS=()
N=${BENCH_N:-20000}
LTRACE_N=${BENCH_LTRACE_N:-5000}
STRACE_N=${BENCH_STRACE_N:-2000}
RUNS=${BENCH_RUNS:-5}
TIMEOUT=${BENCH_TIMEOUT:-60}
PIN_CMD=(taskset -c 0)
SPLIT_CMD=(env BENCH_TARGET_CPU=1 taskset -c 0)
PLACEMENTS=(u p s)
[ "$(nproc)" -ge 2 ] || PLACEMENTS=(u p)
TMP=$(mktemp -d /tmp/utap-bench.XXXXXX)
# shellcheck source=tests/bench/uprobe_backend.sh
. "$(dirname "${BASH_SOURCE[0]}")/uprobe_backend.sh"

TRACEFS=/sys/kernel/tracing
UPROBE_GROUP=utapbench
UPROBE_INSTANCE=$TRACEFS/instances/utapbench
UPROBE_REGISTERED=0
UPROBE_WHY=""
OFF=""              # file offset of bench_fn in $BIN

declare -A US       # US[row,u|p|s]: per-hit µs, median run
declare -A BEST     # BEST[row,u|p|s]: per-hit µs, best run
declare -A NA       # NA[row]: why the row could not be measured
declare -A ROW_N    # ROW_N[row]: hits per run
declare -A BASE     # BASE[n,u|p|s]: untraced wall time, µs, median
ROWS=()

# --- timing --------------------------------------------------------------------

now_us()
{
	local t=$EPOCHREALTIME
	echo $((10#${t/./}))
}

# placed PLACEMENT CMD...: run CMD in PLACEMENT: u (as launched), p (all on CPU 0),
# s (tracer on CPU 0, target on CPU 1).
placed()
{
	local placement=$1
	shift
	case $placement in
	p) "${PIN_CMD[@]}" "$@" ;;
	s) "${SPLIT_CMD[@]}" "$@" ;;
	*) "$@" ;;
	esac
}

placement_name()
{
	case $1 in
	p) echo pinned ;;
	s) echo split ;;
	*) echo unpinned ;;
	esac
}

# run_timed PLACEMENT CMD...: run once; print wall µs; status of CMD (124: timeout).
# Output goes to $TMP/last.*.
run_timed()
{
	local placement=$1 t0 t1 rc
	shift
	set -- placed "$placement" "$@"
	t0=$(now_us)
	"$@" >"$TMP/last.out" 2>"$TMP/last.err"
	rc=$?
	t1=$(now_us)
	echo $((t1 - t0))
	return $rc
}

# runs_of PLACEMENT CMD...: "MEDIAN BEST" wall time of $RUNS runs, µs.
runs_of()
{
	local placement=$1 t i times=()
	shift
	for ((i = 0; i < RUNS; i++)); do
		t=$(run_timed "$placement" "$@") || return 1
		times+=("$t")
	done
	printf '%s\n' "${times[@]}" | sort -n |
		awk '{ v[NR] = $1 } END { printf "%d %d\n", v[int((NR + 1) / 2)], v[1] }'
}

# last_error: one short line saying why the last command failed.
last_error()
{
	local line
	line=$(grep -v '^[[:space:]]*$' "$TMP/last.err" | head -n 1)
	echo "${line:0:70}"
}

baseline()
{
	local n=$1 p t
	for p in "${PLACEMENTS[@]}"; do
		[ -n "${BASE[$n,$p]:-}" ] && continue
		t=$(runs_of "$p" "$BIN" "$n") || { echo "bench: untraced run failed" >&2; exit 1; }
		BASE[$n,$p]=${t% *}
	done
}

# per_hit TOTAL_US BASE_US N: (TOTAL - BASE) / N, in µs with two decimals.
per_hit()
{
	awk -v t="$1" -v b="$2" -v n="$3" 'BEGIN { printf "%.2f", (t - b) / n }'
}

# measure ROW N CMD...: fill US[ROW,placement] and BEST[..], or NA[ROW] on failure.
measure()
{
	local row=$1 n=$2 p t
	shift 2
	ROWS+=("$row")
	ROW_N[$row]=$n
	baseline "$n"
	for p in "${PLACEMENTS[@]}"; do
		if ! t=$(runs_of "$p" timeout "$TIMEOUT" "$@"); then
			NA[$row]="failed: $(last_error)"
			[ -s "$TMP/last.err" ] || NA[$row]="failed or timed out (${TIMEOUT}s)"
			printf '  %-30s n/a (%s)\n' "$row" "${NA[$row]}" >&2
			return 1
		fi
		US[$row,$p]=$(per_hit "${t% *}" "${BASE[$n,$p]}" "$n")
		BEST[$row,$p]=$(per_hit "${t#* }" "${BASE[$n,$p]}" "$n")
	done
	printf '  %-30s %s\n' "$row" "$(cells "$row")" >&2
}

# measure_warm ROW N CMD... (CMD ends with the call count N): the per-hit
# cost once caches are warm, as the slope between a run of N/10 calls and
# one of N, so one-time costs (loading a line table) drop out.
measure_warm()
{
	local row=$1 n=$2 small p t1 t2
	shift 2
	small=$((n / 10))
	ROWS+=("$row")
	ROW_N[$row]=$n
	for p in "${PLACEMENTS[@]}"; do
		if ! t1=$(runs_of "$p" timeout "$TIMEOUT" "${@:1:$#-1}" "$small") ||
			! t2=$(runs_of "$p" timeout "$TIMEOUT" "$@"); then
			NA[$row]="failed: $(last_error)"
			printf '  %-30s n/a (%s)\n' "$row" "${NA[$row]}" >&2
			return 1
		fi
		US[$row,$p]=$(per_hit "${t2% *}" "${t1% *}" $((n - small)))
		BEST[$row,$p]=$(per_hit "${t2#* }" "${t1#* }" $((n - small)))
	done
	printf '  %-30s %s\n' "$row" "$(cells "$row")" >&2
}

# cells ROW: "median (best)" for each placement.
cells()
{
	local p
	for p in "${PLACEMENTS[@]}"; do
		printf '%8s %-9s' "${US[$1,$p]}" "(${BEST[$1,$p]})"
	done
}

not_available()
{
	ROWS+=("$1")
	NA[$1]=$2
	printf '  %-30s n/a (%s)\n' "$1" "$2" >&2
}

# --- the bench target ------------------------------------------------------------

# file_offset SYMBOL: file offset of SYMBOL in $BIN, from its address and PT_LOAD headers.
file_offset()
{
	local vaddr type off va fsz rest
	vaddr=$(nm "$BIN" | awk -v s="$1" '$3 == s { print $1; exit }')
	[ -n "$vaddr" ] || return 1
	vaddr=$((16#$vaddr))
	while read -r type off va _ fsz rest; do
		[ "$type" = LOAD ] || continue
		if ((vaddr >= va && vaddr < va + fsz)); then
			printf '0x%x\n' $((vaddr - va + off))
			return 0
		fi
	done < <(readelf -lW "$BIN")
	return 1
}

# --- utap ----------------------------------------------------------------------------

UTAP_OK=""

# utap_check: "" if utap runs, else why not.
utap_check()
{
	if [ ! -x "$UTAP" ]; then
		echo "no $UTAP: make utap failed or not built"
	elif ! timeout 10 "$UTAP" --help >/dev/null 2>"$TMP/help.err"; then
		echo "utap --help fails: $(head -n 1 "$TMP/help.err" | cut -c1-60)"
	fi
}

# utap_verify OPTS PROBE: run at n=100 into a file; "" if it saw >= 100 hits, else why.
utap_verify()
{
	local opts=$1 probe=$2 lines
	# shellcheck disable=SC2086
	if ! timeout 20 "$UTAP" $opts -o "$TMP/verify.out" "$probe" -- "$BIN" 100 \
		>/dev/null 2>"$TMP/last.err"; then
		echo "failed: $(last_error)"
		return
	fi
	lines=$(grep -c . "$TMP/verify.out")
	[ "$lines" -ge 100 ] || echo "only $lines output lines for 100 calls"
}

# utap_row ROW OPTS PROBE [warm]
utap_row()
{
	local row=$1 opts=$2 probe=$3 how=${4:-measure} why
	if [ -n "$UTAP_OK" ]; then
		not_available "$row" "$UTAP_OK"
		return
	fi
	why=$(utap_verify "$opts" "$probe")
	if [ -n "$why" ]; then
		not_available "$row" "$why"
		return
	fi
	[ "$how" = warm ] && how=measure_warm
	# shellcheck disable=SC2086
	$how "$row" "$N" "$UTAP" $opts -o /dev/null "$probe" -- "$BIN" "$N"
}

bench_utap()
{
	local entry="p $BIN:bench_fn x=%0" ret="r $BIN:bench_fn v=\$retval" mode
	UTAP_OK=$(utap_check)
	for mode in emulate xol singlestep; do
		utap_row "utap entry, $mode" "--step-mode=$mode" "$entry"
	done
	utap_row "utap return probe" "" "$ret"
	utap_row "utap entry, emulate, --pin" "--step-mode=emulate --pin" "$entry"
	utap_row "utap entry, 3 members + string" "--step-mode=emulate" \
		"p $BIN:bench_fn x=\$x id=\$r->id qty=\$r->qty price=\$r->price tag=\$tag"
	# The calls 11 frames below main: with libc's 3 and bench_fn, 16 to
	# walk.  Warm: the slope from N/10 to N calls, without the start-up.
	export BENCH_DEPTH=11
	utap_row "utap entry, 16 frames deep" "--step-mode=emulate" "$entry" warm
	utap_row "utap entry, -s, 16 frames" "--step-mode=emulate -s --stack-depth 16" \
		"$entry" warm
	export UTAP_UNWIND=ptrace
	utap_row "utap -s, libunwind ptrace acc." "--step-mode=emulate -s --stack-depth 16" \
		"$entry" warm
	unset BENCH_DEPTH UTAP_UNWIND
	bench_script
}

# A script handler of ten statements, two array updates and a printf, on
# the same function: what the interpreter adds to a hit.
bench_script()
{
	local row="utap script, 10 statements" why
	cat >"$TMP/bench.stp" <<-'EOF'
	global calls, sums
	probe process.function("bench_fn") {
		x = $x
		calls[probefunc()]++
		sums[x % 16] += x
		y = x * 2
		z = y + 1
		if (z > 0)
			w = z - 1
		s = "n"
		t = s . "m"
		n = strlen(t)
		printf("%d %d %s %d\n", x, w, t, n)
	}
	EOF
	if [ -n "$UTAP_OK" ]; then
		not_available "$row" "$UTAP_OK"
		return
	fi
	if ! timeout 20 "$UTAP" -o "$TMP/verify.out" "$TMP/bench.stp" -- "$BIN" 100 \
		>/dev/null 2>"$TMP/last.err" || [ "$(grep -c . "$TMP/verify.out")" -lt 100 ]; then
		why=$(last_error)
		not_available "$row" "failed: ${why:-fewer than 100 lines for 100 calls}"
		return
	fi
	measure "$row" "$N" "$UTAP" --step-mode=emulate -o /dev/null "$TMP/bench.stp" -- "$BIN" "$N"
}

# --- the floor tracer and ltrace ------------------------------------------------------

bench_floor()
{
	local off=$1
	measure "floor, blocking waitpid" "$N" "$FLOOR" --expect "$N" "$off" -- "$BIN" "$N"
	measure "floor, polling waitpid" "$N" "$FLOOR" --poll --expect "$N" "$off" -- "$BIN" "$N"
}

bench_ltrace()
{
	local row="ltrace -x bench_fn" hits
	if ! command -v ltrace >/dev/null; then
		not_available "$row" "ltrace not installed (make bench installs it as root)"
		return
	fi
	timeout 20 ltrace -x bench_fn -o "$TMP/ltrace.out" "$BIN" 100 >/dev/null 2>"$TMP/last.err"
	hits=$(grep -c '^bench_fn(' "$TMP/ltrace.out" 2>/dev/null)
	if [ "${hits:-0}" -ne 100 ]; then
		not_available "$row" "ltrace saw ${hits:-0} of 100 calls: $(last_error)"
		return
	fi
	measure "$row" "$LTRACE_N" ltrace -x bench_fn -o /dev/null "$BIN" "$LTRACE_N"
}

# --- the kernel's uprobe ---------------------------------------------------------------

uprobe_cleanup()
{
	[ "$UPROBE_REGISTERED" = 1 ] || return 0
	echo 0 >"$UPROBE_INSTANCE/events/$UPROBE_GROUP/bench_fn/enable" 2>/dev/null
	echo 0 >"$TRACEFS/events/$UPROBE_GROUP/bench_fn/enable" 2>/dev/null
	[ -d "$UPROBE_INSTANCE" ] && rmdir "$UPROBE_INSTANCE" 2>/dev/null
	echo "-:$UPROBE_GROUP/bench_fn" >>"$TRACEFS/uprobe_events" 2>/dev/null
	UPROBE_REGISTERED=0
}

# uprobe_setup OFFSET: register and enable the event; on failure, UPROBE_WHY says why.
uprobe_setup()
{
	local off=$1 enable
	UPROBE_WHY=""
	if [ "$(id -u)" != 0 ]; then
		UPROBE_WHY="not root"
		return 1
	fi
	if [ ! -e "$TRACEFS/uprobe_events" ]; then
		mount -t tracefs nodev "$TRACEFS" 2>/dev/null
		if [ ! -e "$TRACEFS/uprobe_events" ]; then
			UPROBE_WHY="no tracefs uprobe_events"
			return 1
		fi
	fi
	# A stale event of ours from an interrupted run would make the write fail.
	echo "-:$UPROBE_GROUP/bench_fn" >>"$TRACEFS/uprobe_events" 2>/dev/null
	# Append (>>): '>' would clear everybody's uprobe events.
	if ! echo "p:$UPROBE_GROUP/bench_fn $BIN:$off %di" >>"$TRACEFS/uprobe_events" 2>/dev/null; then
		UPROBE_WHY="cannot write uprobe_events: $(tail -n 1 "$TRACEFS/error_log" 2>/dev/null)"
		return 1
	fi
	UPROBE_REGISTERED=1
	# Our own instance keeps the global trace buffer untouched.
	enable=$TRACEFS/events/$UPROBE_GROUP/bench_fn/enable
	if mkdir "$UPROBE_INSTANCE" 2>/dev/null || [ -d "$UPROBE_INSTANCE" ]; then
		enable=$UPROBE_INSTANCE/events/$UPROBE_GROUP/bench_fn/enable
	fi
	if ! echo 1 >"$enable" 2>/dev/null; then
		UPROBE_WHY="cannot enable the event"
		return 1
	fi
}

# uprobe_hits: the event's hit count in uprobe_profile.
uprobe_hits()
{
	awk -v b="$BIN" '$1 == b && $2 == "bench_fn" { print $3; exit }' "$TRACEFS/uprobe_profile"
}

bench_uprobe()
{
	local off=$1 row="kernel uprobe (tracefs)" h0 h1
	if ! uprobe_setup "$off"; then
		uprobe_cleanup
		not_available "$row" "$UPROBE_WHY"
		return
	fi
	h0=$(uprobe_hits)
	"$BIN" 100 >/dev/null
	h1=$(uprobe_hits)
	if [ $((${h1:-0} - ${h0:-0})) -ne 100 ]; then
		uprobe_cleanup
		not_available "$row" "the uprobe saw $((${h1:-0} - ${h0:-0})) of 100 calls"
		return
	fi
	measure "$row" "$N" "$BIN" "$N"
	uprobe_cleanup
}

# --- syscalls per hit -----------------------------------------------------------------

# strace_counts N CMD...: "syscall calls" lines for CMD's own syscalls (not its tracee's).
strace_counts()
{
	local n=$1
	shift
	timeout "$TIMEOUT" strace -c -o "$TMP/strace.out" "$@" >/dev/null 2>"$TMP/last.err" ||
		return 1
	awk '$1 ~ /^[0-9.]+$/ && $NF != "total" { print $NF, $4 }' "$TMP/strace.out"
}

# perf_counts N CMD...: the same from `perf trace -s`, for CMD's own process only.
# perf counts through tracepoints: the tracer is not stopped at each syscall.
perf_counts()
{
	local n=$1 name
	shift
	name=$(basename "$1")
	timeout "$TIMEOUT" perf trace -s -o "$TMP/perf.out" -- "$@" >/dev/null 2>"$TMP/last.err" ||
		return 1
	awk -v name="$name" '
		$1 == name && $2 ~ /^\(/ { inside = 1; next }
		inside && NF == 0 && seen { exit }
		inside && $2 ~ /^[0-9]+$/ { print $1, $2; seen = 1 }' "$TMP/perf.out"
}

# syscalls_per_hit COUNTER CMD-WITH-@N@...: (counts at STRACE_N - counts at 0) / STRACE_N,
# so start-up and exit cost nothing. COUNTER is strace_counts or perf_counts.
# Prints "total  name per-hit ...".
syscalls_per_hit()
{
	local counter=$1 a b
	shift
	a=$($counter 0 "${@//@N@/0}") || { echo "n/a (failed: $(last_error))"; return; }
	b=$($counter "$STRACE_N" "${@//@N@/$STRACE_N}") ||
		{ echo "n/a (failed: $(last_error))"; return; }
	awk -v n="$STRACE_N" '
		FNR == NR { a[$1] = $2; next }
		{ d = ($2 - a[$1]) / n; if (d >= 0.005) printf "%s %.2f\n", $1, d }' \
		<(echo "$a") <(echo "$b") | sort -k2,2nr -k1,1 |
		awk '{ t += $2; o = o sprintf("%s %.2f  ", $1, $2) } END { printf "%5.2f  %s\n", t, o }'
}

# floor_own_count PLACEMENT FLOOR-OPTS...: syscalls per hit as floor counts them itself,
# at full speed (strace slows the tracer, so a polling loop spins less under it).
floor_own_count()
{
	local placement=$1 w p
	shift
	placed "$placement" "$@" --expect "$N" "$OFF" -- "$BIN" "$N" >/dev/null 2>"$TMP/own.err" ||
		{ echo "n/a (failed)"; return; }
	read -r w p < <(sed -n 's/.* \([0-9]*\) waitpid + \([0-9]*\) ptrace.*/\1 \2/p' "$TMP/own.err")
	awk -v w="$w" -v p="$p" -v n="$N" \
		'BEGIN { printf "%5.2f  wait4 %.2f  ptrace %.2f\n", (w + p) / n, w / n, p / n }'
}

# syscall_rows COUNTER: one line per tracer, counted by COUNTER.
syscall_rows()
{
	local counter=$1 entry="p $BIN:bench_fn x=%0" mode
	printf '  %-30s %s\n' "floor, blocking waitpid" \
		"$(syscalls_per_hit "$counter" "$FLOOR" "$OFF" -- "$BIN" @N@)"
	printf '  %-30s %s\n' "floor, polling waitpid" \
		"$(syscalls_per_hit "$counter" "$FLOOR" --poll "$OFF" -- "$BIN" @N@)"
	for mode in emulate xol; do
		if [ -n "$UTAP_OK" ]; then
			printf '  %-30s n/a (%s)\n' "utap entry, $mode" "$UTAP_OK"
			continue
		fi
		printf '  %-30s %s\n' "utap entry, $mode" "$(syscalls_per_hit "$counter" "$UTAP" \
			--step-mode=$mode -o /dev/null "$entry" -- "$BIN" @N@)"
	done
}

bench_syscalls()
{
	local p
	echo
	echo "syscalls per hit of the tracer (N=$STRACE_N minus N=0, unpinned):"
	echo " strace -c (stops the tracer at each syscall: a polling loop polls less under it)"
	if command -v strace >/dev/null; then
		syscall_rows strace_counts
	else
		echo "  n/a (strace not installed)"
	fi
	echo " perf trace -s (tracepoints, no stop)"
	if ! command -v perf >/dev/null; then
		echo "  n/a (perf not installed)"
	elif ! perf trace -s -o /dev/null -- true >/dev/null 2>"$TMP/last.err"; then
		echo "  n/a (perf trace fails: $(last_error))"
	else
		syscall_rows perf_counts
	fi
	echo " floor's own count (untraced)"
	for p in "${PLACEMENTS[@]}"; do
		printf '  %-30s %s\n' "floor, polling, $(placement_name "$p")" \
			"$(floor_own_count "$p" "$FLOOR" --poll)"
	done
}

# --- stress: conditions the per-hit table does not show --------------------------------

# hogs N: N busy loops in the background (a loaded machine); HOG_PIDS.
hogs()
{
	local i
	HOG_PIDS=()
	for ((i = 0; i < $1; i++)); do
		sh -c 'while :; do :; done' &
		HOG_PIDS+=($!)
	done
}
unhog() { kill "${HOG_PIDS[@]}" 2>/dev/null; wait "${HOG_PIDS[@]}" 2>/dev/null; HOG_PIDS=(); }

# busy_rate THREADS HOGS: hits per second utap delivers attached to longrun
# with THREADS threads calling step() without pause, HOGS busy loops beside.
busy_rate()
{
	local lr=$TARGETS/longrun pid n
	hogs "$2"
	"$lr" "$1" 0 busy >/dev/null 2>&1 &
	pid=$!
	sleep 0.3
	timeout 20 "$UTAP" --duration 2 -o "$TMP/busy.hits" -p "$pid" "p $lr:step i=%0" \
		>/dev/null 2>"$TMP/last.err"
	n=$(wc -l <"$TMP/busy.hits" 2>/dev/null || echo 0)
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	unhog
	echo $((n / 2))
}

bench_stress()
{
	local t base_us
	echo
	echo "stress (a blocking or yielding tracer can lose a whole time slice per hit here):"
	if [ -x "$TARGETS/longrun" ]; then
		printf '  %-46s %10s hits/s\n' "utap attached, 1 busy thread" "$(busy_rate 1 0)"
		printf '  %-46s %10s hits/s\n' "utap attached, 4 busy threads" "$(busy_rate 4 0)"
		printf '  %-46s %10s hits/s\n' "utap attached, 4 busy threads, 2 CPU hogs" "$(busy_rate 4 2)"
	else
		echo "  n/a (build the targets: make targets)"
	fi
	hogs 2
	base_us=$(run_timed u "$BIN" "$N")
	t=$(run_timed u timeout "$TIMEOUT" "$FLOOR" --expect "$N" "$OFF" -- "$BIN" "$N") &&
		printf '  %-46s %10s µs/hit\n' "floor, blocking, 2 CPU hogs" "$(per_hit "$t" "$base_us" "$N")"
	t=$(run_timed u timeout "$TIMEOUT" "$UTAP" -o /dev/null "p $BIN:bench_fn x=%0" -- "$BIN" "$N") &&
		printf '  %-46s %10s µs/hit\n' "utap entry probe, 2 CPU hogs" "$(per_hit "$t" "$base_us" "$N")"
	unhog
}

# --- report ----------------------------------------------------------------------------

print_table()
{
	local row p
	printf '\n%-30s %8s' "" ""
	for p in "${PLACEMENTS[@]}"; do
		printf '     %-13s' "$(placement_name "$p")"
	done
	printf '\n%-30s %8s' "method" "N"
	for p in "${PLACEMENTS[@]}"; do
		printf '%-18s' "  µs/hit (best)"
	done
	printf '\n%-30s %8s' "untraced (run time in ms)" "$N"
	for p in "${PLACEMENTS[@]}"; do
		printf '%8s %-9s' "$(awk -v t="${BASE[$N,$p]}" 'BEGIN { printf "%.1f", t / 1000 }')" ""
	done
	echo
	for row in "${ROWS[@]}"; do
		if [ -n "${NA[$row]:-}" ]; then
			printf '%-30s %8s %s\n' "$row" "-" "n/a (${NA[$row]})"
		else
			printf '%-30s %8s %s\n' "$row" "${ROW_N[$row]}" "$(cells "$row")"
		fi
	done
}

# ratio A B PLACEMENT [added]: US[A]/US[B], or with "added" what A costs
# beyond B in units of B; n/a when a cell is missing.
ratio()
{
	local a=${US[$1,$3]:-} b=${US[$2,$3]:-} beyond=0
	[ "${4:-}" = added ] && beyond=1
	if [ -z "$a" ] || [ -z "$b" ]; then
		echo "n/a"
		return
	fi
	awk -v a="$a" -v b="$b" -v k="$beyond" \
		'BEGIN { if (b <= 0) print "n/a"; else printf "%.2fx", (a - k * b) / b }'
}

# goal_rows TAG TEXT ROW_A ROW_B LIMIT [added]: per placement, ROW_A's ratio
# to ROW_B (or what it adds to it) against a goal of LIMIT; with "added",
# the total ratio too.
goal_rows()
{
	local tag=$1 text=$2 a=$3 b=$4 limit=$5 how=${6:-} p r total
	for p in "${PLACEMENTS[@]}"; do
		r=$(ratio "$a" "$b" "$p" "$how")
		total=
		[ -n "$how" ] && total="  (total $(ratio "$a" "$b" "$p"))"
		printf '  %-8s %-9s %-24s %-7s goal <= %-6s %s%s\n' "$tag" \
			"$(placement_name "$p"):" "$text" "$r" "${limit}x" "$(goal "$r" "$limit")" \
			"$total"
	done
}

# goal RATIO LIMIT: "met" or "MISSED" for a ratio against its goal.
goal()
{
	case $1 in
	n/a) echo "-" ;;
	*) awk -v r="${1%x}" -v l="$2" 'BEGIN { print (r <= l ? "met" : "MISSED") }' ;;
	esac
}

print_ratios()
{
	local mode row r p
	local floor="floor, blocking waitpid" lt="ltrace -x bench_fn" up="kernel uprobe (tracefs)"
	printf '\nratios (per-hit cost; lower is better)\n'
	printf '%-22s %-9s %-16s %-16s %-10s\n' "utap mode" "placement" "/floor(blocking)" \
		"/ltrace" "/uprobe"
	for mode in emulate xol; do
		row="utap entry, $mode"
		for p in "${PLACEMENTS[@]}"; do
			printf '%-22s %-9s %-16s %-16s %-10s\n' "$mode" "$(placement_name "$p")" \
				"$(ratio "$row" "$floor" "$p")" "$(ratio "$row" "$lt" "$p")" \
				"$(ratio "$row" "$up" "$p")"
		done
	done
	printf '\ngoals\n'
	for mode in emulate xol; do
		row="utap entry, $mode"
		r=$(ratio "$row" "$floor" u)
		printf '  %-8s unpinned: utap/floor(blocking) %-7s goal <= 0.5x   %s\n' \
			"$mode" "$r" "$(goal "$r" 0.5)"
		r=$(ratio "$row" "$lt" u)
		printf '  %-8s unpinned: utap/ltrace          %-7s goal <= 0.1x   %s\n' \
			"$mode" "$r" "$(goal "$r" 0.1)"
		r=$(ratio "$row" "$floor" p)
		printf '  %-8s pinned:   utap/floor(blocking) %-7s goal <= 1.25x  %s\n' \
			"$mode" "$r" "$(goal "$r" 1.25)"
		r=$(ratio "$row" "$floor" s)
		printf '  %-8s split:    utap/floor(blocking) %-7s goal <= 0.5x   %s\n' \
			"$mode" "$r" "$(goal "$r" 0.5)"
	done
	# utap --pin as launched, against the floor pinned with taskset.
	if [ -n "${US[utap entry, emulate, --pin,u]:-}" ] && [ -n "${US[$floor,p]:-}" ]; then
		r=$(awk -v a="${US[utap entry, emulate, --pin,u]}" -v b="${US[$floor,p]}" \
			'BEGIN { printf "%.2fx", a / b }')
		printf '  %-8s --pin:    utap/floor(pinned)   %-7s goal <= 1.25x  %s\n' \
			emulate "$r" "$(goal "$r" 1.25)"
	fi
	# fetching members and a string costs little next to the trap
	goal_rows fetches "3 members+string / 1 arg" "utap entry, 3 members + string" \
		"utap entry, emulate" 1.2
	# what a stack of 16 frames adds, against the bare probe's cost
	goal_rows stacks "added by -s 16 / no -s" "utap entry, -s, 16 frames" \
		"utap entry, 16 frames deep" 2 added
	# a script's handler costs little next to the trap
	goal_rows script "10 statements / 1 arg" "utap script, 10 statements" \
		"utap entry, emulate" 1.3
	# why utap reads the stack itself: libunwind's ptrace accessors, same walk
	for p in "${PLACEMENTS[@]}"; do
		r=$(ratio "utap -s, libunwind ptrace acc." "utap entry, -s, 16 frames" "$p")
		printf '  stacks   %-9s ptrace accessors / ours %-7s (utap uses its own)\n' \
			"$(placement_name "$p"):" "$r"
	done
	printf '  reference (2-vCPU VM): floor ~37 µs unpinned, ~3.9 pinned; single-step +~19;\n'
	printf '  ltrace ~207 (47 pinned); kernel uprobe ~14\n'
}

# --- main ------------------------------------------------------------------------------

cleanup()
{
	unhog
	uprobe_cleanup
	rm -rf "$TMP"
}

main()
{
	local off
	trap cleanup EXIT
	trap 'exit 130' INT TERM
	if [ ! -x "$BIN" ] || [ ! -x "$FLOOR" ]; then
		echo "bench: build $BIN and $FLOOR first" >&2
		exit 1
	fi
	off=$(file_offset bench_fn) || { echo "bench: no bench_fn in $BIN" >&2; exit 1; }
	OFF=$off
	echo "bench: $(nproc) CPUs, kernel $(uname -r), $(date -u '+%F %T UTC')" >&2
	echo "bench: N=$N (ltrace $LTRACE_N), $RUNS runs per cell, bench_fn at file offset $off" >&2
	echo "bench: per-hit µs, median (best): unpinned, pinned (taskset -c 0), split (CPU 0 / 1):" >&2
	baseline "$N"
	bench_floor "$off"
	bench_utap
	bench_ltrace
	bench_uprobe "$off"
	bench_uprobe_backend
	{
		echo "utap bench: $(nproc) CPUs, kernel $(uname -r), $(date -u '+%F %T UTC')"
		echo "per-hit overhead = (traced - untraced wall time) / N: median of $RUNS runs (best);"
		echo "pinned = whole command under taskset -c 0; split = tracer on CPU 0, target on CPU 1;"
		echo "ratios use the medians"
		print_table
		print_ratios
		print_uprobe_backend_ratios
		bench_syscalls
		bench_stress
	} | tee "$RESULTS"
	# the leak checker against valgrind and heaptrack (tests/bench/leaks.sh)
	"$(dirname "$0")/leaks.sh" "$UTAP" "$DIR" | tee -a "$RESULTS"
	echo "bench: results in $RESULTS" >&2
}

main "$@"
