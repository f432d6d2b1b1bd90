#!/bin/bash
# sites.t: probes that land in many places: a glob pattern probes every
# matching function (the set readelf shows), more than 100 places need
# --yes; a source line probes each statement address of that line; a
# function the compiler inlined is probed in every inlined copy. Counts
# come from what the targets print of themselves.
. "$(dirname "$0")/lib.sh"
require_utap

C=$T/calls
# functions of FILE matching GLOB, as readelf sees them (defined FUNC symbols)
funcs_matching()
{
	readelf -Ws "$1" | awk '$4 == "FUNC" && $7 != "UND" { sub(/@.*/, "", $8); print $8 }' |
		sort -u | while read -r f; do
		# shellcheck disable=SC2053
		[[ $f == $2 ]] && echo "$f"
	done
}

# A pattern: the sites are exactly the matching functions.
run_utap -S "p $C:*a*" -- "$C" 1
is "$UTAP_RC" 0 "glob dry run exits 0" || diag_file "$UTAP_ERR"
is "$(sed -nE 's/^  site     ([^+]+)\+0x0,.*/\1/p' "$UTAP_OUT" | sort -u)" \
	"$(funcs_matching "$C" '*a*')" "glob: the sites are the functions readelf shows"

# Traced: every matching function that runs is hit, work once per call.
N=7
traced_same "glob w*" "p $C:w*" "p $C:ma*" -- "$C" "$N"
is "$(grep -c 'p0: (work+0x0/' "$HITS")" "$(grep -c '^work ' "$PLAIN_OUT")" \
	"glob w*: work hit once per call"
is "$(grep -c 'p1: (main+0x0/' "$HITS")" 1 "glob ma*: main hit once"

# More than 100 places: refused without --yes (no terminal to ask), taken with it.
LIBC=$(ldd "$C" | awk '$1 ~ /^libc\.so/ { print $3 }')
many=$(funcs_matching "$LIBC" 's*' | wc -l)
if [ "$many" -gt 100 ]; then
	run_utap "p libc:s*" -- "$C" 1
	is "$UTAP_RC" 2 "libc:s* ($many functions): refused without --yes"
	ok "libc:s*: the message says why" grep -q 'more than 100' "$UTAP_ERR"
	is "$(cat "$UTAP_OUT")" "" "libc:s*: the program was not started"
	run_utap -S --yes "p libc:s*" -- "$C" 1
	is "$UTAP_RC" 0 "libc:s* with --yes: accepted" || diag_file "$UTAP_ERR"
else
	skip 4 "libc has only $many functions starting with s"
fi
run_utap "p $C:zz*" -- "$C" 1
is "$UTAP_RC" 2 "a pattern that matches nothing: exit status 2"

# Source lines and inlined copies need the inline target (DWARF at -O2).
IN=$T/inline-O2
[ -x "$IN" ] || bail "no $IN: run make targets"
{
	line=$(grep -n 'LINE-PROBE' "$ROOT/targets/inline.c" | head -n 1 | cut -d: -f1)
	traced_same "source line inline.c:$line" "p $IN:inline.c:$line" -- "$IN" 5
	is "$(hit_count "$HITS" p0)" "$(grep -c '^iter ' "$PLAIN_OUT")" \
		"inline.c:$line: one hit per iteration the program printed"
	traced_same "inlined sq" "p $IN:sq" -- "$IN" 5
	is "$(hit_count "$HITS" p0)" "$(sed -nE 's/.*sq_calls=([0-9]+).*/\1/p' "$PLAIN_OUT")" \
		"sq: one hit per execution of every inlined copy"
	run_utap "p $IN:inline.c:1" -- "$IN" 1
	is "$UTAP_RC" 2 "a line without code: exit status 2"
	run_utap "r $IN:inline.c:$line" -- "$IN" 1
	is "$UTAP_RC" 2 "a return probe on a line: exit status 2"
}
done_testing
