#!/bin/bash
# stacks.t: -s/--stack, --stack-depth, --folded and the JSON "stack" array.
# The stacks targets print their own call chain (names, innermost first)
# and, for each frame, the FILE:LINE of the call it is making; every stack
# utap shows, from #0 to main, must equal it frame by frame: across the
# executable, a linked and a dlopen()ed library, at -O0 with frame pointers
# and at -O2 without (CFI only), without unwind tables (frame pointers
# only), with .debug_frame alone (no frame pointers), in recursion,
# under return probes (whose trampolines must never show), and in C++
# (demangled, with parameters).
# Frames beyond main (libc's start code) are never compared.
. "$(dirname "$0")/lib.sh"
require_utap
for b in stacks stacks-O2 stacks-nocfi stacks-dbgframe stackscxx stackscxx-O2; do
	[ -x "$T/$b" ] || bail "stack target $b not built in $T (make targets)"
done

RUNS=2

# ---- reading stacks -----------------------------------------------------------

# frames FILE [PROBE]: the frame lines under each hit of PROBE (of every
# probe when omitted) in utap's text output, one per frame, tab-separated:
#   HIT NUM ADDR FUNC OFF LOC
# HIT counts those hits from 1, NUM is the N of "#N", FUNC is "??" (and
# OFF empty) where utap names no function, LOC is what the parentheses hold.
frames()
{
	awk -v want="${2:-}" '
	/^    #[0-9]+ / {
		if (!cur)
			next
		line = substr($0, 6)
		num = line
		sub(/ .*/, "", num)
		line = substr(line, length(num) + 2)
		addr = line
		sub(/ .*/, "", addr)
		fn = substr(line, length(addr) + 2)
		loc = ""
		if (match(fn, / [(][^()]*[)]$/)) {
			loc = substr(fn, RSTART + 2, RLENGTH - 3)
			fn = substr(fn, 1, RSTART - 1)
		}
		off = ""
		if (match(fn, /[+]0x[0-9a-f]+$/)) {
			off = substr(fn, RSTART + 1)
			fn = substr(fn, 1, RSTART - 1)
		}
		print n "\t" num "\t" addr "\t" fn "\t" off "\t" loc
		next
	}
	{
		cur = 0
		for (p = 2; p <= NF; p++)
			if ($p ~ /^[pr][0-9]+:$/ && $(p - 1) ~ /^[0-9]+\.[0-9]+:$/)
				break
		if (p <= NF && (want == "" || $p == want ":")) {
			n++
			cur = 1
		}
	}' "$1"
}

# json_frames FILE PROBE: the same from --json output (LOC is FILE:LINE,
# else the module's base name; OFF is decimal), and a 7th column MODULE.
json_frames()
{
	jq -rs --arg p "$2" '
		[.[] | select(.probe == $p)] | to_entries[] | (.key + 1) as $hit
		| (.value.stack // []) | to_entries[]
		| [$hit, .key, .value.addr, .value.sym, .value.off,
		   (if .value.file then "\(.value.file):\(.value.line)"
		    else (.value.module | sub(".*/"; "")) end), .value.module]
		| map(tostring) | join("\t")' "$1"
}

# stacks KIND: from frames on stdin, one line per hit: the frames from #0 to
# the first "main", joined with " | ". KIND: names (FUNC), sites (LOC's
# base name; #0 without its line: where a probe stands in a function is the
# compiler's choice of line), addrs, nums, top (FUNC+OFF of #0 alone),
# modules (MODULE, from json_frames).
# A stack that never reaches main ends in "| (no main)".
stacks()
{
	awk -F '\t' -v kind="$1" '
	function flush()
	{
		if (hit != "")
			print out (done || kind == "top" || kind == "nums" ? "" : " | (no main)")
	}
	$1 != hit { flush(); hit = $1; out = ""; done = 0 }
	done { next }
	{
		if (kind == "names")
			x = $4
		else if (kind == "addrs")
			x = $3
		else if (kind == "nums")
			x = $2
		else if (kind == "top")
			x = $4 "+" $5
		else if (kind == "modules")
			x = $7
		else {
			x = $6
			sub(/.*\//, "", x)
			if ($2 == 0)
				sub(/:[0-9]+$/, "", x)
		}
		if (kind == "top" && $2 != 0)
			next
		out = out (out == "" ? "" : " | ") x
		if ($4 == "main")
			done = 1
	}
	END { flush() }'
}

# chain KIND FILE [FROM]: what the target printed, in the form stacks gives:
# its "chain:" lines (KIND names) or the "sites:" or "modules:" lines that
# follow them (KIND sites, modules), from
# the function FROM on (the whole chain when empty; "caller:F" starts at the
# frame that called F, where a return probe on F stands).
chain()
{
	awk -v kind="$1" -v from="${3:-}" '
	/^chain: / {
		s = substr($0, 8)
		n = index(s, " | ") ? split(s, names, " [|] ") : split(s, names, " ")
		f = from
		skip = sub(/^caller:/, "", f)
		k = 1
		if (f != "")
			for (k = 1; k <= n && names[k] != f; k++)
				;
		k += skip
		if (kind != "names")
			next
		out = ""
		for (i = k; i <= n; i++)
			out = out (i > k ? " | " : "") names[i]
		print (k > n ? "(" from " not in the chain)" : out)
		next
	}
	/^modules: / && kind == "modules" {
		split(substr($0, 10), mods, " ")
		out = ""
		for (i = k; i <= n; i++)
			out = out (i > k ? " | " : "") mods[i]
		print out
	}
	/^sites: / && kind == "sites" {
		split(substr($0, 8), sites, " ")
		out = ""
		for (i = k; i <= n; i++) {
			x = sites[i]
			sub(/.*\//, "", x)
			if (i == k)
				sub(/:[0-9]+$/, "", x)
			out = out (i > k ? " | " : "") x
		}
		print out
	}' "$2"
}

# same_stacks DESC GOT WANT: two lists of stacks (one per hit, as stacks
# and chain give them) are equal and not empty; on failure, says how many
# and shows the first hit that differs.
same_stacks()
{
	local ngot nwant
	if [ -z "$3" ]; then
		fail "$1"
		diag "nothing to compare with: the target printed no chain"
		return 1
	fi
	if [ "$2" = "$3" ]; then
		pass "$1"
		return 0
	fi
	fail "$1"
	ngot=$(printf '%s\n' "$2" | grep -c .)
	nwant=$(printf '%s\n' "$3" | grep -c .)
	[ "$ngot" = "$nwant" ] || diag "$ngot stacks, want $nwant (one per hit)"
	paste -d '\n' <(printf '%s\n' "$2") <(printf '%s\n' "$3") | awk '
		NR % 2 { got = $0; next }
		got != $0 {
			printf "#   hit %d:\n#   got:  %s\n#   want: %s\n", NR / 2, got, $0
			exit
		}' >&2
	return 1
}

# chain_pos FILE NAME: where NAME is in the target's first chain (from 1).
chain_pos()
{
	chain names "$1" | head -n 1 |
		awk -F ' [|] ' -v f="$2" '{ for (i = 1; i <= NF; i++) if ($i == f) { print i; exit } }'
}

# drop K: " | "-joined lines on stdin without their first K items.
drop()
{
	awk -F ' [|] ' -v k="$1" '{
		out = ""
		for (i = k + 1; i <= NF; i++)
			out = out (i > k + 1 ? " | " : "") $i
		print out
	}'
}

# check_stack DESC PROBE [FROM]: PROBE's stacks in $HITS (text) equal the
# chains the target printed in $PLAIN_OUT from FROM on: names, then sites.
check_stack()
{
	same_stacks "$1: frames from #0 to main are the chain" \
		"$(frames "$HITS" "$2" | stacks names)" "$(chain names "$PLAIN_OUT" "${3:-}")"
	same_stacks "$1: each frame's FILE:LINE is where the target says" \
		"$(frames "$HITS" "$2" | stacks sites)" "$(chain sites "$PLAIN_OUT" "${3:-}")"
}

# check_top DESC PROBE FROM: frame #0 of every hit is FROM+0x0.
check_top()
{
	same_stacks "$1: frame #0 is the function's entry" \
		"$(frames "$HITS" "$2" | stacks top)" \
		"$(chain names "$PLAIN_OUT" "$3" | sed 's/ | .*//; s/$/+0x0/')"
}

# well_formed FILE: every hit has frames #0, #1, ... right under it, each
# "    #N 0xADDR FUNC+0xOFF (LOC)" or "    #N 0xADDR ?? (MODULE+0xOFF)";
# prints what is not.
well_formed()
{
	awk '
	function bad(why) { print FILENAME ":" FNR ": " why ": " $0; nbad++ }
	/^ +#/ {
		if (!cur)
			bad("frame outside a hit")
		else if ($0 !~ /^    #[0-9]+ 0x[0-9a-f]+ ([?][?] [(][^ ()]+[+]0x[0-9a-f]+[)]|[^ ].*[+]0x[0-9a-f]+ [(][^ ()]+[)])$/)
			bad("malformed frame")
		else if (substr($1, 2) + 0 != next_num)
			bad("expected #" next_num)
		next_num++
		next
	}
	{
		if (cur && next_num == 0)
			bad("the hit before has no frames")
		cur = 0
		for (p = 2; p <= NF; p++)
			if ($p ~ /^[pr][0-9]+:$/ && $(p - 1) ~ /^[0-9]+\.[0-9]+:$/) {
				cur = 1
				next_num = 0
			}
	}
	END {
		if (cur && next_num == 0) {
			$0 = "(end)"
			bad("the last hit has no frames")
		}
		exit (nbad > 0)
	}' "$1" | head -n 5 | sed 's/^/#   /' >&2
	return "${PIPESTATUS[0]}"
}

# folded FILE: the --folded lines of FILE cut at main, with what stands
# before main reduced to the probe's name when it is one (pN or rN):
#   [PROBE;]main;...;LEAF COUNT
# Lines that cut to the same stack are added up.
folded()
{
	awk '
	match($0, / [0-9]+$/) && index($0, ";") {
		count = substr($0, RSTART + 1)
		n = split(substr($0, 1, RSTART - 1), f, ";")
		for (m = 1; m <= n && f[m] != "main"; m++)
			;
		key = (f[1] ~ /^[pr][0-9]+$/ ? f[1] ";" : "")
		if (m > n)
			key = key "(no main)"
		for (i = m; i <= n; i++)
			key = key (i > m ? ";" : "") f[i]
		if (!(key in sum))
			order[++nkeys] = key
		sum[key] += count
	}
	END { for (i = 1; i <= nkeys; i++) print order[i] " " sum[order[i]] }' "$1"
}

# folded_want FILE COUNT [FROM]: the chain the target printed, outermost
# first, joined with ";", then COUNT (each distinct chain once).
folded_want()
{
	chain names "$1" "${3:-}" | sort -u | awk -v count="$2" '{
		n = split($0, f, " [|] ")
		out = ""
		for (i = n; i >= 1; i--)
			out = out (i < n ? ";" : "") f[i]
		print out " " count
	}'
}

# folded_lines FILE: how many --folded lines FILE has.
folded_lines() { grep -Ec '^.*;.* [0-9]+$' "$1"; }

# ---- C: the executable, a linked and a dlopen()ed library --------------------

check_variant()
{
	local v=$1 s=${1#stacks} bin lib dl json
	bin=$T/$v
	lib=$T/libstacks$s.so
	dl=$T/libstacksdl$s.so
	UTAP_OPTS=(-s)

	# Entry of the leaf, in the executable: the whole chain.
	traced_same "$v: -s st_leaf" "p $bin:st_leaf" -- "$bin" "$RUNS"
	ok "$v: st_leaf: every hit has well-formed frames #0, #1, ..." well_formed "$HITS"
	check_top "$v: st_leaf" p0 st_leaf
	check_stack "$v: st_leaf" p0

	# Entry of a function in the linked library, then in the dlopen()ed one.
	traced_same "$v: -s lib st_lib6" "p $lib:st_lib6" -- "$bin" "$RUNS"
	check_top "$v: lib st_lib6" p0 st_lib6
	check_stack "$v: lib st_lib6" p0 st_lib6
	traced_same "$v: -s dlopen st_dl5" "p $dl:st_dl5" -- "$bin" "$RUNS"
	check_top "$v: dlopen st_dl5" p0 st_dl5
	check_stack "$v: dlopen st_dl5" p0 st_dl5

	# Recursion: st_rec five times between st_lib6 and the leaf.
	traced_same "$v: -s recursion" "p $bin:st_leaf" -- "$bin" 1 rec
	check_stack "$v: recursion" p0

	# A return probe: the stack starts at the caller, at the return address.
	traced_same "$v: -s return" "r $dl:st_dl5" -- "$bin" "$RUNS"
	ok "$v: return: every hit has well-formed frames" well_formed "$HITS"
	check_stack "$v: return st_dl5" r0 caller:st_dl5

	# Return addresses replaced by utap's trampoline (st_exe3's and
	# st_dl5's) show as the real ones in the stacks of every probe.
	traced_same "$v: -s under return probes" \
		"p $bin:st_leaf" "r $bin:st_exe3" "r $dl:st_dl5" -- "$bin" "$RUNS"
	ok "$v: under return probes: well-formed frames" well_formed "$HITS"
	check_stack "$v: st_leaf under return probes" p0
	check_stack "$v: return st_exe3 under return probes" r1 caller:st_exe3
	check_stack "$v: return st_dl5 under return probes" r2 caller:st_dl5
	# In one run the same call sites have the same return addresses: the
	# leaf's frames from st_exe3's caller on are those of st_exe3's return.
	same_stacks "$v: under return probes: the leaf's outer frames are at r1's addresses" \
		"$(frames "$HITS" p0 | stacks addrs | sort -u |
			drop "$(chain_pos "$PLAIN_OUT" st_exe3)")" \
		"$(frames "$HITS" r1 | stacks addrs | sort -u)"

	# --stack-depth 3: frames #0, #1, #2 and no more.
	UTAP_OPTS=(-s --stack-depth 3)
	traced_same "$v: --stack-depth 3" "p $bin:st_leaf" -- "$bin" "$RUNS"
	same_stacks "$v: --stack-depth 3: frames #0..#2 only" \
		"$(frames "$HITS" p0 | stacks nums)" \
		"$(chain names "$PLAIN_OUT" | sed 's/.*/0 | 1 | 2/')"
	same_stacks "$v: --stack-depth 3: the three innermost of the chain" \
		"$(frames "$HITS" p0 | stacks names | sed 's/ | (no main)$//')" \
		"$(chain names "$PLAIN_OUT" | awk -F ' [|] ' '{ print $1 " | " $2 " | " $3 }')"

	# --json: the hit objects' "stack" arrays.
	UTAP_OPTS=(--json -s)
	traced_same "$v: --json -s" "p $bin:st_leaf" -- "$bin" "$RUNS"
	json=$TMP/stack.json
	cp "$HITS" "$json"
	same_stacks "$v: --json: stack[].sym from #0 to main are the chain" \
		"$(json_frames "$json" p0 | stacks names)" "$(chain names "$PLAIN_OUT")"
	same_stacks "$v: --json: stack[].file:line where the target says" \
		"$(json_frames "$json" p0 | stacks sites)" "$(chain sites "$PLAIN_OUT")"
	same_stacks "$v: --json: stack[0] is the leaf at off 0" \
		"$(json_frames "$json" p0 | stacks top)" \
		"$(chain names "$PLAIN_OUT" | sed 's/ | .*//; s/$/+0/')"
	same_stacks "$v: --json: stack[].module is the file the target says" \
		"$(json_frames "$json" p0 | stacks modules)" "$(chain modules "$PLAIN_OUT")"
	is "$(jq -r '.stack[] | .addr | test("^0x[0-9a-f]+$")' "$json" | sort -u)" true \
		"$v: --json: every stack[].addr in hex"

	# --folded: one line per distinct stack, outermost first, with counts;
	# with two probes, each line starts with the probe's name.
	UTAP_OPTS=(-s --folded)
	traced_same "$v: --folded" "p $bin:st_leaf" -- "$bin" 3
	is "$(hit_count "$HITS" p0)" 0 "$v: --folded: no per-hit lines"
	is "$(folded_lines "$HITS")" 1 "$v: --folded: one line for one stack"
	same_stacks "$v: --folded: main;...;leaf 3 as the target's chain" \
		"$(folded "$HITS")" "$(folded_want "$PLAIN_OUT" 3)"
	traced_same "$v: --folded, two probes" \
		"p $bin:st_leaf" "p $lib:st_lib6" -- "$bin" 3
	same_stacks "$v: --folded: p0's line starts with p0" \
		"$(folded "$HITS" | grep '^p0;' | sed 's/^p0;//')" \
		"$(folded_want "$PLAIN_OUT" 3)"
	same_stacks "$v: --folded: p1's line starts with p1" \
		"$(folded "$HITS" | grep '^p1;' | sed 's/^p1;//')" \
		"$(folded_want "$PLAIN_OUT" 3 st_lib6)"
	UTAP_OPTS=()
}

check_variant stacks
check_variant stacks-O2
# No unwind tables for the chain at all: the frame-pointer chain, whose
# first link a function at its entry has not made yet.
check_variant stacks-nocfi
# No .eh_frame for the chain and no frame pointers: only .debug_frame.
check_variant stacks-dbgframe

# ---- C++: demangled names with parameters ------------------------------------

for v in stackscxx stackscxx-O2; do
	UTAP_OPTS=(-s)
	traced_same "$v: -s ns::leaf" "p $T/$v:ns::leaf" -- "$T/$v" "$RUNS"
	ok "$v: every hit has well-formed frames" well_formed "$HITS"
	check_top "$v" p0 ""
	check_stack "$v" p0
	UTAP_OPTS=(-s --folded)
	traced_same "$v: --folded" "p $T/$v:ns::leaf" -- "$T/$v" 3
	same_stacks "$v: --folded: demangled names with parameters" \
		"$(folded "$HITS")" "$(folded_want "$PLAIN_OUT" 3)"
done
UTAP_OPTS=()

# ---- bad input -----------------------------------------------------------------

for depth in 0 x 100000; do
	run_utap -s --stack-depth "$depth" "p $T/stacks:st_leaf" -- "$T/stacks" 1
	is "$UTAP_RC" 2 "--stack-depth $depth: exit status 2"
	if grep -q -- '--stack-depth' "$UTAP_ERR"; then
		pass "--stack-depth $depth: the message names --stack-depth"
	else
		fail "--stack-depth $depth: the message names --stack-depth"
		diag_file "$UTAP_ERR"
	fi
	if grep -q '^chain:' "$UTAP_OUT"; then
		fail "--stack-depth $depth: the program was not started"
	else
		pass "--stack-depth $depth: the program was not started"
	fi
done
done_testing
