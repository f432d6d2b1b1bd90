#!/bin/bash
# detach_clean.t: after utap detaches, the process is exactly as before:
# the same executable mappings (no XOL page left), the probed code equal
# byte for byte to the file (no int3 left), no tracer, and it goes on
# computing right (a hijacked return address left behind would crash it).
# Attached three times in a row, with entry and return probes on a busy
# function and on one that sleeps.
. "$(dirname "$0")/lib.sh"
require_utap

LR=$T/longrun
LR_OUT=$TMP/longrun.out

# bytes_in_memory PID FILEOFF: 16 bytes at that file offset of $LR as mapped.
bytes_in_memory()
{
	local range perms pg dev ino path start end addr=
	while read -r range perms pg dev ino path; do
		[ "$path" = "$LR" ] || continue
		start=$((16#${range%-*}))
		end=$((16#${range#*-}))
		pg=$((16#$pg))
		if (($2 >= pg && $2 < pg + end - start)); then
			addr=$((start + $2 - pg))
			break
		fi
	done <"/proc/$1/maps"
	[ -n "$addr" ] || return 1
	dd if="/proc/$1/mem" bs=16 count=1 skip="$addr" iflag=skip_bytes 2>/dev/null | od -An -tx1
}

bytes_in_file() { dd if="$LR" bs=16 count=1 skip="$1" iflag=skip_bytes 2>/dev/null | od -An -tx1; }
exec_maps() { awk '$2 ~ /x/' "/proc/$1/maps"; }

start_bg "$LR_OUT" "$LR" 3
LR_PID=$BG_PID
wait_for "$LR_OUT" '^round=2 ' || bail "longrun did not start"
exec_maps "$LR_PID" >"$TMP/maps.before"
STEP_OFF=$(file_offset "$LR" step)
NAP_OFF=$(file_offset "$LR" nap)
[ -n "$STEP_OFF" ] && [ -n "$NAP_OFF" ] || bail "no step/nap in $LR"

for round in 1 2 3; do
	rm -f "$HITS"
	"$UTAP" -o "$HITS" "p $LR:step i=%0" "r $LR:step ret=\$retval" \
		"r $LR:nap ret=\$retval" -p "$LR_PID" 2>"$UTAP_ERR" &
	upid=$!
	wait_for "$HITS" 'r1: ' || diag_file "$UTAP_ERR"
	# the bytes under the probes are int3 while attached: the check below
	# can tell a clean detach from a dirty one
	ok "attach $round: step is planted while attached" \
		test "$(bytes_in_memory "$LR_PID" "$STEP_OFF")" != "$(bytes_in_file "$STEP_OFF")"
	kill -INT "$upid"
	wait "$upid"
	is "$?" 0 "attach $round: utap detached and exited 0"
	same_lines <(exec_maps "$LR_PID") "$TMP/maps.before" \
		"attach $round: executable mappings as before (no XOL page)"
	is "$(bytes_in_memory "$LR_PID" "$STEP_OFF")" "$(bytes_in_file "$STEP_OFF")" \
		"attach $round: step's code as in the file"
	is "$(bytes_in_memory "$LR_PID" "$NAP_OFF")" "$(bytes_in_file "$NAP_OFF")" \
		"attach $round: nap's code as in the file"
	is "$(awk '/^TracerPid:/ { print $2 }' "/proc/$LR_PID/status")" 0 \
		"attach $round: no tracer left"
	rounds=$(grep -c '^round=' "$LR_OUT")
	wait_for "$LR_OUT" "^round=$((rounds + 6)) " >/dev/null
	ok "attach $round: longrun goes on after the detach" \
		test "$(grep -c '^round=' "$LR_OUT")" -gt "$rounds"
done

kill -TERM "$LR_PID"
wait_exit "$LR_PID"
is "$BG_RC" 0 "longrun exits 0 at the end"
is "$(grep -c BAD "$LR_OUT")" 0 "longrun computed every result right"
done_testing
