#!/bin/bash
# args.t: work(int i, struct pair *p) in every build variant: each hit's i,
# p->a, p->b and return value equal what the target printed, hits == calls.
. "$(dirname "$0")/lib.sh"
require_utap

N=12
# variant   how the probe names the binary (path | base)
CASES="
calls           path
calls-O2        base
calls-nopie     path
calls-cet       path
calls-stripped  path
"

check_variant()
{
	local name=$1 how=$2 bin=$T/$1 calls
	[ "$how" = base ] && bin=$name

	traced_same "$name" \
		"p $bin:work i=%0:s32 a=+0(%1):s64 b=+8(%1):s64" \
		"r $bin:work ret=\$retval:s64" \
		-- "$T/$name" "$N"
	calls=$(sed -n 's/^checksum=.* calls=//p' "$PLAIN_OUT")
	is "$(hit_count "$HITS" p0)" "$calls" "$name: one entry hit per call"
	is "$(hit_count "$HITS" r1)" "$calls" "$name: one return hit per call"
	for key in i a b; do
		same_values "$name: every $key as passed" \
			"$(hit_values "$HITS" p0 "$key")" \
			"$(out_values "$PLAIN_OUT" work "$key")"
	done
	same_values "$name: every return value" \
		"$(hit_values "$HITS" r1 ret)" "$(out_values "$PLAIN_OUT" work ret)"
	is "$(hit_values "$HITS" p0 loc | sed 's/+.*//' | sort -u)" work \
		"$name: entry hits name the function"
	is "$(hit_values "$HITS" r1 loc | sed 's/.*<-_//' | sort -u)" work \
		"$name: return hits name the function returned from"
}

# file_offset BIN SYM: SYM's file offset, from its address and the PT_LOAD
# segment holding it (what 'p BIN:0xOFFSET' takes).
file_offset()
{
	local addr type off va ms rest
	addr=$((16#$(nm "$1" | awk -v s="$2" '$3 == s { print $1 }')))
	while read -r type off va _ _ ms rest; do
		[ "$type" = LOAD ] || continue
		if ((addr >= va && addr < va + ms)); then
			printf '0x%x\n' $((addr - va + off))
			return
		fi
	done < <(readelf -lW "$1")
}

while read -r name how; do
	[ -n "$name" ] && check_variant "$name" "$how"
done <<<"$CASES"

# By file offset: the same hits as by name.
OFF=$(file_offset "$T/calls" work)
traced_same "calls:$OFF" "p $T/calls:$OFF i=%0:s32" -- "$T/calls" "$N"
same_values "calls:$OFF: every i as passed" \
	"$(hit_values "$HITS" p0 i)" "$(out_values "$PLAIN_OUT" work i)"
is "$(hit_values "$HITS" p0 loc | sed 's/+.*//' | sort -u)" work \
	"calls:$OFF: hits name the function"

# A return probe on the entry point (_start): the kernel put argc where a
# return address would be; hijacking it would change the program's argc.
# Extra arguments make the target echo its argv.
traced_same "r calls:_start" "r $T/calls:_start" -- "$T/calls" 2 one two
ok "r calls:_start: warned that it never returns" grep -q "entry point and never returns" "$UTAP_ERR"
is "$(grep -c '^arg\[' "$UTAP_OUT")" 2 "r calls:_start: argv intact (both extra arguments echoed)"
done_testing
