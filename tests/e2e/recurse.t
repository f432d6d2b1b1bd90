#!/bin/bash
# recurse.t: fib() recursion under entry and return probes: every call's
# argument and every return value, in order, as the target printed them.
. "$(dirname "$0")/lib.sh"
require_utap

N=11
VARIANTS="recurse recurse-O2 recurse-nopie recurse-cet recurse-stripped"

for v in $VARIANTS; do
	traced_same "$v" "p $T/$v:fib n=%0:s32" "r $T/$v:fib ret=\$retval:s64" \
		-- "$T/$v" "$N"
	is "$(hit_count "$HITS" p0)" "$(grep -c '^fib ' "$PLAIN_OUT")" \
		"$v: one entry hit per call"
	# Entries come in call order, the target prints in return order.
	same_values "$v: the same arguments" \
		"$(hit_values "$HITS" p0 n | sort -n)" \
		"$(out_values "$PLAIN_OUT" fib n | sort -n)"
	same_values "$v: every return value, in return order" \
		"$(hit_values "$HITS" r1 ret)" "$(out_values "$PLAIN_OUT" fib ret)"
done
done_testing
