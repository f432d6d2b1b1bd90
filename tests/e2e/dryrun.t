#!/bin/bash
# dryrun.t: -S/--dry-run prints where each probe lands and how it will be
# stepped over, without starting the program or touching a running one.
# Offsets come from nm/readelf, library paths from ldd: not from utap.
. "$(dirname "$0")/lib.sh"
require_utap

C=$T/calls
run_utap -S "p $C:work i=%0 a=+0(%1):s64" "r $C:work r=X\$retval" \
	"p libc:malloc size=%0" -- "$C" 3
is "$UTAP_RC" 0 "launch: dry run exits 0" || diag_file "$UTAP_ERR"
ok "launch: the program was not started" \
	test -z "$(grep -E '^(work|checksum)' "$UTAP_OUT")"
is "$(grep -c '^probe ' "$UTAP_OUT")" 3 "launch: one block per probe"
is "$(grep -m1 'file offset' "$UTAP_OUT" | sed -E 's/.*file offset (0x[0-9a-f]+).*/\1/')" \
	"$(printf '%#x' "$(file_offset "$C" work)")" "launch: work's file offset as nm and readelf say"
ok "launch: work+0x0 named" grep -q 'site     work+0x0,' "$UTAP_OUT"
ok "launch: the fetch plan is shown" grep -q 'fetch    a = +0(%si):s64' "$UTAP_OUT"
ok "launch: the return value's plan is shown" grep -q 'fetch    r = \$retval:x64' "$UTAP_OUT"
libc=$(ldd "$C" | awk '$1 ~ /^libc\.so/ { print $3 }')
ok "launch: libc:malloc resolved to the libc ldd names ($libc)" \
	grep -q "module   $(readlink -f "$libc")\|module   $libc" "$UTAP_OUT"

for mode in emulate xol singlestep; do
	run_utap -S --step-mode="$mode" "p $C:work" -- "$C" 1
	ok "--step-mode=$mode: the plan says $mode" grep -q "step     $mode" "$UTAP_OUT"
done

# A refused instruction and an unknown symbol are errors, as for a real run.
run_utap -S "p $C:nosuchfunction" -- "$C" 1
is "$UTAP_RC" 2 "unknown symbol: exit status 2"

# Attached: the runtime address, and the process goes on untouched.
start_bg "$TMP/lr.out" "$T/longrun" 1
LR_PID=$BG_PID
wait_for "$TMP/lr.out" '^round=1 ' || bail "longrun did not start"
run_utap -S "p $T/longrun:step i=%0" -p "$LR_PID"
is "$UTAP_RC" 0 "attached: dry run exits 0" || diag_file "$UTAP_ERR"
off=$(file_offset "$T/longrun" step)
want=$(while read -r range perms pg dev ino path; do
	[ "$path" = "$T/longrun" ] || continue
	s=$((16#${range%-*})) e=$((16#${range#*-})) pg=$((16#$pg))
	((off >= pg && off < pg + e - s)) && printf '%#x\n' $((s + off - pg)) && break
done <"/proc/$LR_PID/maps")
ok "attached: the runtime address from /proc/PID/maps ($want)" \
	grep -q "address  $want in process $LR_PID" "$UTAP_OUT"
is "$(awk '/^TracerPid:/ { print $2 }' "/proc/$LR_PID/status")" 0 "attached: no tracer"
kill -TERM "$LR_PID"
wait_exit "$LR_PID"
is "$BG_RC" 0 "longrun exits 0"
done_testing
