#!/bin/bash
# output.t: where hits go and how they look: stdout mixed with the target's
# own output, -o FILE, --json, --cpu, and -c 'CMD ARGS' split like a shell.
. "$(dirname "$0")/lib.sh"
require_utap

C=$T/calls
N=4
P0="p $C:work i=%0:s32 a=+0(%1):s64"

# Hits on stdout: taking them out leaves exactly the target's output.
run_plain "$C" "$N"
run_utap "$P0" -- "$C" "$N"
is "$UTAP_RC" 0 "stdout: exit status 0"
is "$(hit_count "$UTAP_OUT" p0)" "$N" "stdout: one hit line per call"
grep -Ev '^[^ ]+-[0-9]+ ([[][0-9]+[]] )?[0-9]+\.[0-9]+: [pr][0-9]+: ' "$UTAP_OUT" \
	>"$TMP/rest"
same_lines "$TMP/rest" "$PLAIN_OUT" "stdout: the rest is the target's output"

# -o FILE: nothing of ours on stdout.
run_utap -o "$TMP/o.txt" "$P0" -- "$C" "$N"
same_lines "$UTAP_OUT" "$PLAIN_OUT" "-o: stdout is the target's output alone"
is "$(hit_count "$TMP/o.txt" p0)" "$N" "-o: the file has one hit per call"
is "$(grep -vc . "$TMP/o.txt")" 0 "-o: no blank lines in the file"
is "$(hit_values "$TMP/o.txt" p0 tid | sort -u | grep -c '^[0-9][0-9]*$')" 1 \
	"-o: hits carry the (one) thread id"
is "$(awk '{ print $1 }' "$TMP/o.txt" | sed 's/-[0-9]*$//' | sort -u)" calls \
	"-o: hits carry the command name"

jq_true() { jq -e "$@" >/dev/null; }

# --json: one object per hit, the same values as the text lines.
run_utap --json -o "$TMP/o.json" "$P0" "r $C:work ret=\$retval:s64" -- "$C" "$N"
is "$UTAP_RC" 0 "--json: exit status 0"
ok "--json: every line is a JSON object" \
	jq_true -s 'length > 0 and all(type == "object")' "$TMP/o.json"
is "$(jq -r 'select(.probe == "p0") | .args.i' "$TMP/o.json")" \
	"$(out_values "$PLAIN_OUT" work i)" "--json: args.i as the target passed"
is "$(jq -r 'select(.probe == "p0") | .args.a' "$TMP/o.json")" \
	"$(out_values "$PLAIN_OUT" work a)" "--json: args.a as the target passed"
is "$(jq -r 'select(.probe == "r1") | .args.ret' "$TMP/o.json")" \
	"$(out_values "$PLAIN_OUT" work ret)" "--json: return values"
is "$(jq -r '[.sym, .comm, (.pid == .tid), (.time_ns > 0)] | @tsv' \
	"$TMP/o.json" | sort -u)" "$(printf 'work\tcalls\ttrue\ttrue')" \
	"--json: sym, comm, pid, tid, time_ns"

# --cpu: a [NNN] column after COMM-TID.
run_utap --cpu -o "$TMP/cpu.txt" "$P0" -- "$C" "$N"
is "$(hit_values "$TMP/cpu.txt" p0 cpu | grep -c '^[0-9][0-9]*$')" "$N" \
	"--cpu: every hit has a cpu number"
same_values "--cpu: the values are still right" \
	"$(hit_values "$TMP/cpu.txt" p0 i)" "$(out_values "$PLAIN_OUT" work i)"

# -c: split like a shell would, without running one.
CMDLINE="$C 2 'two words' x\"y z\"w plain \\\$HOME 'it''s'"
eval "set -- $CMDLINE"
run_plain "$@"
run_utap -o "$TMP/c.txt" "$P0" -c "$CMDLINE"
is "$UTAP_RC" 0 "-c: exit status 0"
same_lines "$UTAP_OUT" "$PLAIN_OUT" "-c: the target got the argv a shell would give"
is "$(hit_count "$TMP/c.txt" p0)" "$(out_values "$PLAIN_OUT" checksum=[0-9-]+ calls)" \
	"-c: hits as usual"

# The program's own stderr passes through too.
run_plain "$T/exits" nosuchway
run_utap "p $T/exits:finish" -- "$T/exits" nosuchway
is "$UTAP_RC" "$PLAIN_RC" "stderr: exit status passed through"
ok "stderr: the program's stderr line came through" \
	grep -Fxq "$(cat "$PLAIN_ERR")" "$UTAP_ERR"

# --pin and -v change how utap runs, not what the target does or what is seen.
for opt in --pin -v; do
	UTAP_OPTS=("$opt")
	traced_same "$opt" "$P0" -- "$C" "$N"
	same_values "$opt: every i as passed" \
		"$(hit_values "$HITS" p0 i)" "$(out_values "$PLAIN_OUT" work i)"
done
done_testing
