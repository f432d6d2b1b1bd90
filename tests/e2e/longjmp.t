#!/bin/bash
# longjmp.t: longjmp out of two functions under return probes: the program's
# output is unchanged and later returns are still reported right.
. "$(dirname "$0")/lib.sh"
require_utap

N=9
VARIANTS="longjmp longjmp-O2"

for v in $VARIANTS; do
	traced_same "$v" \
		"p $T/$v:jumper i=%0:s32" \
		"r $T/$v:jumper ret=\$retval:s64" \
		"r $T/$v:inner ret=\$retval:s64" \
		"r $T/$v:after ret=\$retval:s64" \
		-- "$T/$v" "$N"
	is "$(hit_count "$HITS" p0)" "$(grep -c '^jumper ' "$PLAIN_OUT")" \
		"$v: jumper entered once per round"
	same_values "$v: jumper's normal returns" \
		"$(hit_values "$HITS" r1 ret)" \
		"$(out_values "$PLAIN_OUT" jumper ret)"
	is "$(hit_count "$HITS" r2)" "$(grep -c '^jumper .*ret=' "$PLAIN_OUT")" \
		"$v: inner returns only when it did not longjmp"
	same_values "$v: returns after the longjmps" \
		"$(hit_values "$HITS" r3 ret)" "$(out_values "$PLAIN_OUT" after ret)"
done
done_testing
