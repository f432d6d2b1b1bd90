#!/bin/bash
# faults.t: a probed instruction that faults, in every step mode: the
# program's handler sees the fault at the probed address (never in utap's
# out-of-line slot), and every call is still counted.
. "$(dirname "$0")/lib.sh"
require_utap

N=6
for mode in auto emulate xol singlestep; do
	UTAP_OPTS=(--step-mode="$mode")
	traced_same "faults $mode" "p $T/faults:fault_load p=%di" -- "$T/faults" "$N"
	is "$(grep -c 'at fault_load+0$' "$UTAP_OUT")" "$(grep -c '^fault ' "$PLAIN_OUT")" \
		"faults $mode: each fault reported at fault_load+0"
	is "$(hit_count "$HITS" p0)" "$N" "faults $mode: every call hit once"
done
done_testing
