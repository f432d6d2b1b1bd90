#!/bin/bash
# forkexec.t: fork, exec, vfork+exec under a probe. Without -f the children
# run undisturbed and unreported; with -f every child's call is reported
# under the child's pid. The target prints who called stage() from which pid.
. "$(dirname "$0")/lib.sh"
require_utap

VARIANTS="forkexec forkexec-O2"

# check_stages NAME FOLLOW: for each stage line the target printed (traced
# run, real pids), a hit with the same who from that pid iff it is expected.
check_stages()
{
	local name=$1 follow=$2 who role pid n
	while read -r who role pid; do
		n=$(hits "$HITS" p0 | grep -c " tid=$pid .* who=$who\$")
		if [ "$role" = parent ] || [ "$follow" = yes ]; then
			is "$n" 1 "$name follow=$follow: stage $who ($role) reported once"
		else
			is "$n" 0 "$name follow=$follow: stage $who ($role) not reported"
		fi
	done < <(grep '^stage ' "$UTAP_OUT" |
		 sed -E 's/.*who=([0-9]+) role=([^ ]+) pid=([0-9]+).*/\1 \2 \3/')
	is "$(hit_count "$HITS" p0)" \
		"$(grep '^stage ' "$UTAP_OUT" |
		   if [ "$follow" = yes ]; then cat; else grep role=parent; fi | wc -l)" \
		"$name follow=$follow: no other hits"
}

for v in $VARIANTS; do
	UTAP_OPTS=()
	traced_same "$v" "p $T/$v:stage who=%0:s32" -- "$T/$v"
	ok "$v: children exited normally" \
		grep -q '^fork-child exited=' "$UTAP_OUT"
	check_stages "$v" no
	UTAP_OPTS=(-f)
	traced_same "$v -f" "p $T/$v:stage who=%0:s32" -- "$T/$v"
	check_stages "$v" yes
done
done_testing
