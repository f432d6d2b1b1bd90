#!/bin/bash
# exits.t: the program's exit status passes through utap: exit codes, and
# 128+N when it is killed by signal N (SIGKILL, SIGTERM, SIGSEGV, SIGABRT).
. "$(dirname "$0")/lib.sh"
require_utap

# arguments to exits (how, n)
CASES="
code 0
code 3
code 42
signal $(kill -l KILL)
signal $(kill -l TERM)
segv
abort
"
ulimit -c 0

while read -r how n; do
	[ -n "$how" ] || continue
	for v in exits exits-O2; do
		traced_same "$v $how ${n:-}" "p $T/$v:finish how=%0:s32" \
			-- "$T/$v" "$how" ${n:+"$n"}
		is "$(hit_count "$HITS" p0)" "$(grep -c "^exits how=" "$PLAIN_OUT")" \
			"$v $how ${n:-}: finish() hit once"
	done
done <<<"$CASES"
done_testing
