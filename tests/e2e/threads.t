#!/bin/bash
# threads.t: 4 threads x N calls of tick(thread, k) on one site: every call
# seen exactly once, by the right thread, and the program's result unchanged.
. "$(dirname "$0")/lib.sh"
require_utap

N=400
# variant     step mode
CASES="
threads       auto
threads-O2    auto
threads       xol
threads       singlestep
"

check_variant()
{
	local name="$1 $2" bin=$1 mode=$2 t want got

	UTAP_OPTS=(--step-mode="$mode")
	traced_same "$name" \
		"p $T/$bin:tick t=%0:s32 k=%1:s32" \
		"r $T/$bin:tick ret=\$retval:s64" \
		-- "$T/$bin" "$N"
	want=$(out_values "$PLAIN_OUT" 'thread=[0-9]+' count | paste -sd+ | bc)
	is "$(hit_count "$HITS" p0)" "$want" "$name: entry hits == calls made"
	is "$(hit_count "$HITS" r1)" "$want" "$name: return hits == calls made"
	is "$(hits "$HITS" p0 | awk '{ print $5, $6 }' | sort -u | wc -l)" "$want" \
		"$name: every (thread, k) seen exactly once"
	for t in $(out_values "$PLAIN_OUT" 'thread=[0-9]+' thread); do
		want=$(grep "^thread=$t " "$PLAIN_OUT" | field count)
		got=$(hits "$HITS" p0 | grep -c " t=$t ")
		is "$got" "$want" "$name: thread $t: hits == its count"
		is "$(hits "$HITS" p0 | grep " t=$t " | field tid | sort -u | wc -l)" 1 \
			"$name: thread $t: all its hits from one tid"
	done
	is "$(hit_values "$HITS" p0 tid | sort -u | wc -l)" \
		"$(grep -c '^thread=' "$PLAIN_OUT")" "$name: one tid per thread"
	is "$(hit_values "$HITS" r1 ret | paste -sd+ | bc)" \
		"$(out_values "$PLAIN_OUT" "threads=[0-9]+" total)" \
		"$name: return values add up to the program's total"
}

while read -r v mode; do
	[ -n "$v" ] && check_variant "$v" "$mode"
done <<<"$CASES"
done_testing
