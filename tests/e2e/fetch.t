#!/bin/bash
# fetch.t: what a probe can fetch: every width and sign, default u64 and
# hex, register names, stack arguments (%6, %7), nested struct pointers,
# strings, (fault) through NULL, return values. fetch prints each value as
# utap should; struct offsets come from its --layout.
. "$(dirname "$0")/lib.sh"
require_utap

N=4
VARIANTS="fetch fetch-O2 fetch-nopie"
declare -A OFF
for kv in $("$T/fetch" --layout); do
	OFF[${kv%%=*}]=${kv#*=}
done

# name=fetch for many(): the target prints these keys on its "many" lines.
MANY="a0=%0:s32 a1=%1:s64 a2=%2:s16 a3=%3:s8 a4=%4:x32 a5=%5 a6=%6:s64 a7=%7:s64 u1=%si"
WALK="u8=+${OFF[u8]}(%0):u8 s16=+${OFF[s16]}(%0):s16 s32=+${OFF[s32]}(%0):s32"
WALK="$WALK s64=+${OFF[s64]}(%di):s64 name=+0(+${OFF[name]}(%0)):string"
WALK="$WALK next_s32=+${OFF[s32]}(+${OFF[next]}(%0)):s32"

for v in $VARIANTS; do
	traced_same "$v" \
		"p $T/$v:many $MANY" "r $T/$v:many ret=\$retval:s64" \
		"p $T/$v:walk $WALK" "r $T/$v:walk ret=\$retval:s32" \
		-- "$T/$v" "$N"
	for key in a0 a1 a2 a3 a4 a5 a6 a7 u1; do
		same_values "$v: many() $key" "$(hit_values "$HITS" p0 "$key")" \
			"$(out_values "$PLAIN_OUT" many "$key")"
	done
	same_values "$v: many() returns" "$(hit_values "$HITS" r1 ret)" \
		"$(out_values "$PLAIN_OUT" many ret)"
	for key in u8 s16 s32 s64 name next_s32; do
		same_values "$v: walk() $key" "$(hit_values "$HITS" p2 "$key")" \
			"$(out_values "$PLAIN_OUT" walk "$key")"
	done
	same_values "$v: walk() returns" "$(hit_values "$HITS" r3 ret)" \
		"$(out_values "$PLAIN_OUT" walk ret)"
done
done_testing
