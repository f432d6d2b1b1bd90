#!/bin/bash
# attach.t: attach to a running, multi-threaded longrun and detach every
# way (SIGINT, SIGTERM, SIGHUP, --duration, -x), attach while it is
# stopped, see it exit while attached; it keeps computing right results
# throughout, including threads inside a function under a return probe
# when utap detaches. Then 'p libc:malloc size=%0' attached to mallocs.
. "$(dirname "$0")/lib.sh"
require_utap
why=$(attach_blocked)
[ -z "$why" ] || skip_all "$why"

LR=$T/longrun
LR_THREADS=3
LR_OUT=$TMP/longrun.out
# r2: longrun sleeps in nap(), so a detach finds threads inside it with
# their return address hijacked; they must return to the right place.
PROBES=("p $LR:step i=%0:s64" "r $LR:step ret=\$retval:s64"
	"r $LR:nap round=\$retval:s64")

# how to detach   utap's arguments before the probes
CASES="
INT        -p
TERM       -p
HUP        -p
duration   --duration 1 -p
alias-x    --duration 1 -x
"

# pairs FILE: "step i=I ret=V" for each entry hit followed by its return,
# per thread.
pairs()
{
	hits "$1" | awk '
		$1 == "probe=p0" { i[$2] = $5; next }
		$1 == "probe=r1" && i[$2] != "" { print "step " i[$2] " " $5; i[$2] = "" }'
}

# check_hits DESC FILE: hits were seen, none missed, all as longrun printed.
check_hits()
{
	local desc=$1 file=$2 gaps
	ok "$desc: hits were reported" grep -q ' p0: ' "$file"
	ok "$desc: returns from nap() were reported" grep -q ' r2: ' "$file"
	gaps=$(hits "$file" p0 | awk '
		{ sub(/tid=/, "", $2); sub(/i=/, "", $5) }
		$2 in prev && $5 != prev[$2] + 1 { print prev[$2] "->" $5 }
		{ prev[$2] = $5 }' | head -n 5)
	is "$gaps" "" "$desc: no call missed while attached, in any thread"
	is "$(hit_values "$file" p0 tid | sort -u | wc -l)" "$LR_THREADS" \
		"$desc: every thread was traced"
	pairs "$file" >"$TMP/pairs"
	is "$(grep -Fxvf "$LR_OUT" "$TMP/pairs" | head -n 3)" "" \
		"$desc: every (i, ret) as longrun printed it"
}

# still_running DESC: longrun alive and making progress.
still_running()
{
	local desc=$1 now
	ok "$desc: longrun still running" kill -0 "$LR_PID"
	now=$(grep -c '^round=.* thread=0 ' "$LR_OUT")
	ok "$desc: longrun makes progress" \
		wait_for "$LR_OUT" "^round=$((now + 3)) thread=0 "
}

# detach_by NAME ARGS...: attach with ARGS, detach by signal NAME or let
# --duration end it.
detach_by()
{
	local how=$1 upid
	shift
	if [ "$how" = duration ] || [ "$how" = alias-x ]; then
		run_utap "$@" "$LR_PID" -o "$TMP/$how" "${PROBES[@]}"
		BG_RC=$UTAP_RC
		return
	fi
	timeout -k 5 "$UTAP_TIMEOUT" "$UTAP" "$@" "$LR_PID" -o "$TMP/$how" \
		"${PROBES[@]}" >"$UTAP_OUT" 2>"$UTAP_ERR" </dev/null &
	upid=$!
	_bg_pids+=("$upid")
	wait_for "$TMP/$how" ' r1: .* ret=' 10
	sleep 0.3 # more hits; their number is not checked
	kill -"$how" "$upid"
	wait_exit "$upid" 20
}

start_bg "$LR_OUT" "$LR" "$LR_THREADS"
LR_PID=$BG_PID
wait_for "$LR_OUT" '^round=2 ' || bail "longrun did not start"

while read -r how args; do
	[ -n "$how" ] || continue
	# shellcheck disable=SC2086 # ARGS is a list of words
	detach_by "$how" $args
	is "$BG_RC" 0 "$how: utap detaches and exits 0" || diag_file "$UTAP_ERR"
	check_hits "$how" "$TMP/$how"
	still_running "after $how"
done <<<"$CASES"

# Attach to a stopped longrun: it stays stopped, then runs on when continued.
kill -STOP "$LR_PID"
wait_for <(ps -o stat= -p "$LR_PID") '^T' 5
run_utap --duration 1 -o "$TMP/stopped" -p "$LR_PID" "${PROBES[@]}"
is "$UTAP_RC" 0 "stopped: utap attaches and detaches" || diag_file "$UTAP_ERR"
is "$(ps -o stat= -p "$LR_PID" | cut -c1)" T "stopped: still stopped after detach"
kill -CONT "$LR_PID"
still_running "stopped, continued"

# Stop longrun; its own verdict over the whole run.
kill -TERM "$LR_PID"
wait_exit "$LR_PID" 10
is "$BG_RC" 0 "longrun exits 0 (no SIGTRAP, no wrong result)"
is "$(grep -c BAD "$LR_OUT")" 0 "longrun: every round ok"
ok "longrun: reports bad=0" grep -q '^done .* bad=0$' "$LR_OUT"
is "$(grep '^round=' "$LR_OUT" | sed -E 's/round=([0-9]+) thread=([0-9]+).*/\2 \1/' |
	awk '$2 != n[$1]++ { print "thread " $1 " round " $2 }' | head -n 1)" "" \
	"longrun: rounds consecutive in every thread"

# threads_seen FILE N: hits from N threads in FILE.
threads_seen() { [ "$(hit_values "$1" p0 tid 2>/dev/null | sort -u | wc -l)" -ge "$2" ]; }

# Busy threads: always inside step() while int3s go in and out. Hits per
# thread consecutive; longrun checks every result itself.
for mode in auto singlestep; do
	start_bg "$TMP/busy.out" "$LR" "$LR_THREADS" 0 busy
	BUSY_PID=$BG_PID
	wait_for "$TMP/busy.out" '^round=1 ' || bail "longrun busy did not start"
	rm -f "$TMP/busy" # the last mode's hits must not count as this one's
	timeout -k 5 "$UTAP_TIMEOUT" "$UTAP" --step-mode="$mode" -o "$TMP/busy" \
		-p "$BUSY_PID" "p $LR:step i=%0:s64" "r $LR:step ret=\$retval:s64" \
		>"$UTAP_OUT" 2>"$UTAP_ERR" </dev/null &
	UPID=$!
	_bg_pids+=("$UPID")
	# Detach once every thread was seen (or after 20s: then a test fails).
	wait_until 20 threads_seen "$TMP/busy" "$LR_THREADS" ||
		diag "hits per thread: $(hit_values "$TMP/busy" p0 tid | sort | uniq -c | tr '\n' ' ')" \
			"threads: $(ls "/proc/$BUSY_PID/task" | tr '\n' ' ')"
	kill -INT "$UPID"
	wait_exit "$UPID" 20
	is "$BG_RC" 0 "busy $mode: utap attaches and detaches" || diag_file "$UTAP_ERR"
	is "$(hits "$TMP/busy" p0 | awk '
		{ sub(/tid=/, "", $2); sub(/i=/, "", $5) }
		$2 in prev && $5 != prev[$2] + 1 { print prev[$2] "->" $5 }
		{ prev[$2] = $5 }' | head -n 5)" "" "busy $mode: no call missed, in any thread"
	is "$(hit_values "$TMP/busy" p0 tid | sort -u | wc -l)" "$LR_THREADS" \
		"busy $mode: every thread was traced"
	now=$(grep -c '^round=.* thread=0 ' "$TMP/busy.out")
	ok "busy $mode: longrun makes progress after detach" \
		wait_for "$TMP/busy.out" "^round=$((now + 2)) thread=0 "
	kill -TERM "$BUSY_PID"
	wait_exit "$BUSY_PID" 10
	is "$BG_RC" 0 "busy $mode: longrun exits 0"
	ok "busy $mode: every result right" grep -q '^done .* bad=0$' "$TMP/busy.out"
done

# The process exits while attached: utap ends too.
start_bg "$TMP/short.out" "$LR" 2 100
SHORT_PID=$BG_PID
wait_for "$TMP/short.out" '^round=1 ' || bail "longrun did not start"
run_utap -o "$TMP/short" -p "$SHORT_PID" "${PROBES[@]}"
ok "exit while attached: utap ends with it" test "$UTAP_RC" != 124
wait_exit "$SHORT_PID" 10
is "$BG_RC" 0 "exit while attached: longrun exits 0"
ok "exit while attached: longrun reports bad=0" grep -q '^done .* bad=0$' "$TMP/short.out"

# libc:malloc in an attached process.
M_OUT=$TMP/mallocs.out
start_bg "$M_OUT" "$T/mallocs" forever
M_PID=$BG_PID
wait_for "$M_OUT" '^malloc size=' || bail "mallocs did not start"
run_utap --duration 1 -o "$TMP/m" -p "$M_PID" "p libc:malloc size=%0"
is "$UTAP_RC" 0 "malloc attached: utap exits 0" || diag_file "$UTAP_ERR"
BASE=$(out_values "$M_OUT" malloc size | head -n 1)
hit_values "$TMP/m" p0 size | awk -v b="$BASE" '$1 >= b' >"$TMP/m.sizes"
ok "malloc attached: our mallocs were seen" test -s "$TMP/m.sizes"
is "$(awk 'NR > 1 && $1 != prev + 1 { print prev "->" $1 } { prev = $1 }' \
	"$TMP/m.sizes")" "" "malloc attached: none missed while attached"
is "$(sed 's/^/malloc size=/' "$TMP/m.sizes" | grep -Fxvf "$M_OUT" | head -n 3)" "" \
	"malloc attached: every size as mallocs printed it"
kill -TERM "$M_PID"
wait_exit "$M_PID" 10
is "$BG_RC" 0 "mallocs exits 0 after being traced"
done_testing
