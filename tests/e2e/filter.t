#!/bin/bash
# filter.t: f:EXPR filters: exactly the hits whose fields pass are printed,
# as decided from what the target printed of itself; a rejected hit prints
# nothing, and the program's own output is unchanged.
. "$(dirname "$0")/lib.sh"
require_utap

C=$T/calls
N=12
# cases: FILTER <tab> the same condition in awk, over the fields calls
# printed of itself ("work i=I a=A b=B ret=R")
while IFS=$'\t' read -r filter cond; do
	traced_same "f:$filter" "p $C:work i=%0:s32 a=+0(%1):s64 b=+8(%1):s64 f:$filter" -- "$C" "$N"
	want=$(sed -nE 's/^work i=([0-9-]+) a=([0-9-]+) b=([0-9-]+).*/\1 \2 \3/p' "$PLAIN_OUT" |
		awk "{ i = \$1; a = \$2; b = \$3 } $cond { print i }")
	same_values "f:$filter: the hits are the calls that pass" \
		"$(hit_values "$HITS" p0 i)" "$want"
done <<CASES
i>3&&i!=5	i > 3 && i != 5
i<2 || i>=10	i < 2 || i >= 10
!(a<20)	!(a < 20)
b>=990 && (i==0 || i==2)	b >= 990 && (i == 0 || i == 2)
comm=="calls" && i<3	i < 3
CASES

# Nothing passes: no line at all, the program unchanged.
traced_same "f:comm==\"nobody\"" "p $C:work i=%0 f:comm==\"nobody\"" -- "$C" 3
is "$(wc -l <"$HITS" | tr -d ' ')" 0 "a filter that nothing passes prints nothing"

# Strings: the demo's orders with the note "bulk".
traced_same "string filter" \
	"p $T/demo:process_order id=+0(%0):s32 note=%1:string f:note==\"bulk\"" -- "$T/demo"
same_values "string filter: exactly the bulk orders" "$(hit_values "$HITS" p0 id)" \
	"$(sed -nE 's/^order #([0-9]+) .*\(bulk\)$/\1/p' "$PLAIN_OUT")"

# Return probes filter on the return value.
traced_same "return filter" "r $C:work ret=\$retval:s64 f:ret>5000" -- "$C" "$N"
same_values "return filter: the returns above 5000" "$(hit_values "$HITS" r0 ret)" \
	"$(out_values "$PLAIN_OUT" work ret | awk '$1 > 5000')"
done_testing
