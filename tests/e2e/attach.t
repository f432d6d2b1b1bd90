#!/bin/bash
# attach.t: attach to a running longrun, detach (SIGINT, --duration),
# re-attach, attach while it is stopped; it keeps computing right results
# throughout and after. Then 'p libc:malloc size=%0' attached to mallocs.
. "$(dirname "$0")/lib.sh"
require_utap

LR=$T/longrun
LR_OUT=$TMP/longrun.out
PROBES=("p $LR:step i=%0:s64" "r $LR:step ret=\$retval:s64")

# pairs FILE: "step i=I ret=V" for each entry hit followed by its return.
pairs()
{
	hits "$1" | awk '
		$1 == "probe=p0" { i = $5; next }
		$1 == "probe=r1" && i != "" { print "step " i " " $5; i = "" }'
}

# rounds FILE: how many rounds longrun has reported.
rounds() { grep -c '^round=' "$1"; }

# check_hits DESC FILE: hits were seen, consecutive, and agree with longrun.
check_hits()
{
	local desc=$1 file=$2 gaps
	ok "$desc: hits were reported" grep -q ' p0: ' "$file"
	gaps=$(hit_values "$file" p0 i | awk 'NR > 1 && $1 != prev + 1 { print prev "->" $1 } { prev = $1 }')
	is "$gaps" "" "$desc: no call missed while attached"
	pairs "$file" >"$TMP/pairs"
	is "$(grep -Fxvf "$LR_OUT" "$TMP/pairs" | head -n 3)" "" \
		"$desc: every (i, ret) as longrun printed it"
}

# still_running DESC: longrun alive and making progress with good results.
still_running()
{
	local desc=$1 now
	ok "$desc: longrun still running" kill -0 "$LR_PID"
	now=$(rounds "$LR_OUT")
	ok "$desc: longrun makes progress" \
		wait_for "$LR_OUT" "^round=$((now + 3)) "
}

start_bg "$LR_OUT" "$LR"
LR_PID=$BG_PID
wait_for "$LR_OUT" '^round=2 ' || bail "longrun did not start"

# 1. attach, detach with SIGINT
timeout -k 5 "$UTAP_TIMEOUT" "$UTAP" -o "$TMP/a1" "${PROBES[@]}" -p "$LR_PID" \
	>"$TMP/a1.out" 2>"$TMP/a1.err" &
UPID=$!
_bg_pids+=("$UPID")
wait_for "$TMP/a1" ' r1: .* ret=' 10
sleep 0.3 # let some hits accumulate; counts are not checked
kill -INT "$UPID"
wait_exit "$UPID" 20
is "$BG_RC" 0 "SIGINT: utap detaches and exits 0" || diag_file "$TMP/a1.err"
check_hits "SIGINT" "$TMP/a1"
still_running "after SIGINT"

# 2. re-attach, detach when --duration ends
run_utap --duration 1 -o "$TMP/a2" "${PROBES[@]}" -p "$LR_PID"
is "$UTAP_RC" 0 "--duration: utap detaches and exits 0" || diag_file "$UTAP_ERR"
check_hits "re-attach" "$TMP/a2"
still_running "after re-attach"

# 3. attach to a stopped longrun: it stays stopped, then runs on when continued
kill -STOP "$LR_PID"
sleep 0.1
run_utap --duration 1 -o "$TMP/a3" "${PROBES[@]}" -p "$LR_PID"
is "$UTAP_RC" 0 "stopped: utap attaches and detaches" || diag_file "$UTAP_ERR"
is "$(ps -o stat= -p "$LR_PID" | cut -c1)" T "stopped: still stopped after detach"
kill -CONT "$LR_PID"
still_running "stopped, continued"

# 4. stop longrun; its own verdict over the whole run
kill -TERM "$LR_PID"
wait_exit "$LR_PID" 10
is "$BG_RC" 0 "longrun exits 0 (no SIGTRAP, no wrong result)"
is "$(grep -c BAD "$LR_OUT")" 0 "longrun: every round ok"
ok "longrun: reports bad=0" grep -q '^done .* bad=0$' "$LR_OUT"
is "$(grep '^round=' "$LR_OUT" | sed -E 's/round=([0-9]+).*/\1/' |
	awk 'NR - 1 != $1' | head -n 1)" "" "longrun: rounds consecutive"

# 5. libc:malloc in an attached process
M_OUT=$TMP/mallocs.out
start_bg "$M_OUT" "$T/mallocs" forever
M_PID=$BG_PID
wait_for "$M_OUT" '^malloc size=' || bail "mallocs did not start"
run_utap --duration 1 -o "$TMP/m" "p libc:malloc size=%0" -p "$M_PID"
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
