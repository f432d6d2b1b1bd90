#!/bin/bash
# script_complete.t: complete scripts as users write them for SystemTap, in
# tests/scripts/, run over the scripted target (which prints its own counts,
# calls and the block it frees twice): calls counted per function every
# second and at the end (count_calls.stp), an ltrace-like trace of calls
# with arguments and results (ltrace.stp), and malloc/free tracking with
# stacks that catches a double free (malloc_track.stp).
. "$(dirname "$0")/lib.sh"
require_utap
[ -x "$T/scripted" ] || bail "target scripted not built in $T (make targets)"
SCRIPTS=$ROOT/tests/scripts

# lines TAG [FILE]: the rest of the lines "TAG ..." of FILE (default $HITS).
lines() { sed -n "s/^$1 //p" "${2:-$HITS}"; }

# ---- count_calls.stp: calls per function, every second and at the end -----------

# 1.2 s of sleeps between rounds of calls: the timer most likely prints
# once or twice; nothing below depends on how often it did.
N=2000 MS=1200
traced_same "count_calls.stp" "$SCRIPTS/count_calls.stp" '*' -- "$T/scripted" calls "$N" "$MS"
# The end report: "calls fn=NAME count=K", as the target prints its own.
lines calls >"$TMP/final"
is "$(grep '^calls fn=' "$PLAIN_OUT" | cut -d' ' -f2- | grep -Fxvf "$TMP/final")" "" \
	"count_calls: every count the target printed, in the end report"
is "$(grep -E '^fn=(main|calls) ' "$TMP/final" | sort | tr '\n' ' ')" \
	"fn=calls count=1 fn=main count=1 " "count_calls: main and calls() once each"
is "$(field count <"$TMP/final" | awk 'NR > 1 && $1 > prev { print "up at line " NR } { prev = $1 }' | head -n 1)" \
	"" "count_calls: sorted by count, most called first (foreach ... -)"
# Every tick's report: sorted likewise, no count above the final one.
ticks=$(grep -c '^tick$' "$HITS")
diag "the timer printed $ticks time(s) in ${MS}ms of sleeps"
is "$(awk '
	NR == FNR { split($1, f, "="); split($2, c, "="); final[f[2]] = c[2]; next }
	$0 == "tick" { prev = -1; next }
	$1 == "tick" {
		split($2, f, "="); split($3, c, "=")
		if (prev >= 0 && c[2] > prev) print "tick not sorted at " f[2]
		if (!(f[2] in final) || c[2] > final[f[2]]) print "tick " f[2] "=" c[2] " above the end"
		prev = c[2]
	}' "$TMP/final" "$HITS" | head -n 3)" "" \
	"count_calls: each timer.s(1) report sorted, counts never above the end's"

# ---- ltrace.stp: each call with its arguments and result ----------------------------

traced_same "ltrace.stp" "$SCRIPTS/ltrace.stp" -- "$T/scripted" ltrace 12
same_values "ltrace: every call, its arguments and its result, in order" \
	"$(grep '^call ' "$HITS")" "$(grep '^call ' "$PLAIN_OUT")"
same_values "ltrace: calls per function at the end" "$(lines calls)" \
	"$(grep '^call ' "$PLAIN_OUT" | sed -E 's/^call ([a-z_]+)\(.*/\1/' | sort | uniq -c |
		awk '{ print "fn=" $2 " count=" $1 }')"

# ---- malloc_track.stp: a double free among correct pairs -------------------------------

LIBC=$(ldd "$T/scripted" | awk '$1 ~ /^libc\.so/ { print $3 }')
[ -f "$LIBC" ] || bail "no libc found for $T/scripted (ldd)"
run_plain "$T/scripted" mallocs 5
is "$PLAIN_RC" 0 "scripted mallocs survives its double free untraced"
PAIRS=200
traced_same "malloc_track.stp" "$SCRIPTS/malloc_track.stp" "$LIBC" -- "$T/scripted" mallocs "$PAIRS"
# The target: "site fn=NAME mallocs=M frees=F" per function of its own,
# "~ double_free addr=0x..." (an address of this run: from the traced one).
grep '^site ' "$PLAIN_OUT" >"$TMP/sites"
is "$(grep -Fxvf <(grep '^site ' "$HITS") "$TMP/sites")" "" \
	"malloc_track: mallocs and frees per calling function as the target counted them"
ADDR=$(out_values "$UTAP_OUT" '~ double_free' addr)
is "$(grep -c '^double free of ' "$HITS")" 1 "malloc_track: one double free reported"
is "$(lines total | field double)" 1 "malloc_track: the end report counts one"
got_addr=$(sed -n 's/^double free of \(0x[0-9a-f]*\) .*/\1/p' "$HITS")
is "$((got_addr))" "$((ADDR))" "malloc_track: the address the target freed twice ($ADDR)"
ok "malloc_track: in free_twice" grep -q '^double free of .* in free_twice:' "$HITS"
# It is the target's last free: every free it made came before it.
is "$(sed -n 's/^double free of .*frees=\([0-9]*\) .*/\1/p' "$HITS")" \
	"$(awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^frees=/) { split($i, v, "="); t += v[2] } } END { print t }' "$TMP/sites")" \
	"malloc_track: the frees counted so far are the target's"
# The three stacks: function names per frame.
stack_of()
{
	awk -v head="$1" '
		$0 == head { on = 1; next }
		on && /:$/ { exit }
		on && /^site / { exit }
		on { f = $1; sub(/\+.*/, "", f); print f }' "$HITS"
}
for s in "allocated at" "first freed at" "freed again at"; do
	st=$(stack_of "$s:" | tr '\n' ' ')
	ok "malloc_track: '$s' names free_twice, mallocs, main ($st)" \
		grep -qE '(^| )free_twice mallocs main ' <<<"$st"
done
f1=$(sed -n '/^first freed at:$/,/^freed again at:$/p' "$HITS" | grep -m1 '^free_twice+')
f2=$(sed -n '/^freed again at:$/,/^site /p' "$HITS" | grep -m1 '^free_twice+')
ok "malloc_track: the two frees are different calls in free_twice ($f1, $f2)" \
	test -n "$f1" -a -n "$f2" -a "$f1" != "$f2"

# With the C library's DWARF (libc6-dbg), $mem and $return are what
# pointer_arg(1) and returnval() read.
cat >"$TMP/dwarf.stp" <<'EOF'
probe process(@1).function("free") { if ($mem) printf("free %d %d\n", $mem, pointer_arg(1)) }
probe process(@1).function("malloc").return { printf("malloc %d %d\n", $return, returnval()) }
EOF
run_utap -o "$HITS" "$TMP/dwarf.stp" "$LIBC" -- "$T/scripted" mallocs 20
if [ "$UTAP_RC" = 2 ]; then
	skip 3 "no DWARF for $LIBC's free/malloc: $(head -n 1 "$UTAP_ERR")"
else
	is "$UTAP_RC" 0 "libc DWARF: exit status 0" || diag_file "$UTAP_ERR"
	is "$(awk '$1 == "free" && $2 != $3' "$HITS" | head -n 3)/$(grep -c '^free ' "$HITS")" "/$((20 + 10))" \
		"libc DWARF: free's \$mem is pointer_arg(1), every free"
	is "$(awk '$1 == "malloc" && $2 != $3' "$HITS" | head -n 3)" "" \
		"libc DWARF: malloc's \$return is returnval()"
fi

# ---- func_time.stp, in the style of SystemTap's func_time_stats.stp --------------------
#
# "probe $1" and "probe $1.return" from one argument; statistics and a log
# histogram of the durations.
N=7
traced_same "func_time.stp" "$SCRIPTS/func_time.stp" \
	"process(\"$T/calls\").function(\"work\")" -- "$T/calls" "$N"
calls=$(sed -n 's/^checksum=.* calls=\([0-9]*\)$/\1/p' "$PLAIN_OUT")
is "$(sed -n 's/^calls:\([0-9]*\) .*/\1/p' "$HITS")" "$calls" "func_time: one duration per call ($calls)"
is "$(awk -F'|' '/^ *[0-9]+ \|/ { n += $2 + 0 } END { print n }' \
	<(sed 's/@//g; s/ *\([0-9]*\)$/|\1/' "$HITS" | awk -F'|' 'NF == 3 { print $1 "|" $3 }'))" \
	"$calls" "func_time: the histogram's counts add up to the calls"
read -r tmin tavg tmax < <(sed -n 's/^calls:[0-9]* min:\([0-9]*\)us avg:\([0-9]*\)us max:\([0-9]*\)us .*/\1 \2 \3/p' "$HITS")
ok "func_time: min <= avg <= max ($tmin $tavg $tmax)" test "${tmin:-x}" -le "${tavg:-0}" -a "${tavg:-x}" -le "${tmax:-0}"

# ---- (5) USDT markers: <sys/sdt.h> in targets/usdt.c ----------------------------------
#
# Arguments in memory and registers (-O0) or registers only (-O2), and a
# constant; the tick's value is the constant in the target's source.
TICK=$(sed -n 's/.*STAP_PROBE1(shop, tick, \([0-9]*\)).*/\1/p' "$ROOT/targets/usdt.c")
for v in usdt usdt-O2; do
	traced_same "$v: usdt_orders.stp" "$SCRIPTS/usdt_orders.stp" "$T/$v" -- "$T/$v" 4
	same_values "$v: every order marker's id, total and customer, as the target printed them" \
		"$(sed -n 's/^shop:order //p' "$HITS")" "$(sed -n 's/^order //p' "$PLAIN_OUT")"
	is "$(lines tick)" "value=$TICK seen=4" "$v: the tick marker's constant argument, once per order"
	is "$(lines orders)" 4 "$v: the done marker, after all orders"
done
S=$TMP/badmark.stp
cat >"$S" <<EOF
probe process("$T/usdt").mark("nosuch") { }
EOF
run_utap "$S" -c "$T/usdt 1"
is "$UTAP_RC" 2 "mark(\"nosuch\"): exit status 2"
ok "mark(\"nosuch\"): says there is no such marker" grep -q "no SDT marker 'nosuch'" "$UTAP_ERR"
S=$TMP/badarg.stp
cat >"$S" <<EOF
probe process("$T/usdt").mark("tick") { println(\$arg2) }
EOF
run_utap "$S" -c "$T/usdt 1"
is "$UTAP_RC" 2 "\$arg2 of a one-argument marker: exit status 2"
ok "\$arg2: says how many the marker has" grep -q "has 1 argument, not \$arg2" "$UTAP_ERR"

done_testing
