#!/bin/bash
# script_points.t: the probe points of scripts as SystemTap resolves them:
# function("FUNC@FILE"), "FUNC@FILE:LINE", "*@FILE:LINE", statement("FUNC@FILE:LINE")
# honouring FUNC, .inline (inlined copies only), .call (none), a plain
# .function taking both, process(PID) with -x, and pp() / probefunc() naming
# the function, its file and declaration line the way SystemTap's pp() does.
# Counts come from what the targets print of themselves; lines from their
# sources.
. "$(dirname "$0")/lib.sh"
require_utap
for b in calls inline-O2 longrun usdt; do
	[ -x "$T/$b" ] || bail "target $b not built in $T (make targets)"
done

stp()
{
	S=$TMP/$1.stp
	cat >"$S"
}
lines() { sed -n "s/^$1 //p" "${2:-$HITS}"; }
# line_of FILE TEXT: the number of the first line of targets/FILE holding TEXT.
line_of()
{
	local n
	n=$(grep -nF -- "$2" "$ROOT/targets/$1" | head -n 1 | cut -d: -f1)
	[ -n "$n" ] || bail "no '$2' in targets/$1"
	echo "$n"
}

N=4
CALLS=$(realpath "$T/calls")
WORK_DECL=$(line_of calls.c 'PROBED long work(')
WORK_BODY=$(line_of calls.c 'return i + p->a * p->b;')
MAIN_DECL=$(line_of calls.c 'int main(')

# ---- function("FUNC@FILE[:LINE]") and pp() ----------------------------------------

stp byfile <<EOF
probe process.function("work@calls.c") { printf("file pp=%s func=%s i=%d\n", pp(), probefunc(), \$i) }
probe process.function("work@targets/calls.c").return { printf("ret pp=%s ret=%d\n", pp(), \$return) }
probe process.function("*@calls.c:$WORK_BODY") { printf("body pp=%s\n", pp()) }
probe process.function("work@calls.c:$WORK_DECL").call { printf("decl pp=%s\n", pp()) }
probe process.function("m*@*.c") { printf("glob pp=%s\n", pp()) }
EOF
traced_same "function(\"work@calls.c\") and kin" "$S" -- "$T/calls" "$N"
WANT="process(\"$CALLS\").function(\"work@targets/calls.c:$WORK_DECL\")"
is "$(lines file | field pp | sort -u)" "$WANT" \
	"pp(): the absolute path, the function, its file and declaration line"
same_values "function(\"work@calls.c\"): \$i of every call" "$(lines file | field i)" \
	"$(out_values "$PLAIN_OUT" work i)"
is "$(lines file | field func | sort -u)" work "probefunc() is the function"
is "$(lines ret | field pp | sort -u)" "$WANT.return" "pp() of a .return ends in .return"
same_values "function(\"work@targets/calls.c\").return: \$return" "$(lines ret | field ret)" \
	"$(out_values "$PLAIN_OUT" work ret)"
is "$(lines body | sort -u)" "pp=$WANT" \
	"function(\"*@calls.c:$WORK_BODY\"): the function holding that line"
is "$(lines body | wc -l)" "$N" "function(\"*@calls.c:$WORK_BODY\"): once per call"
is "$(lines decl | sort -u)" "pp=$WANT.call" \
	"function(\"work@calls.c:$WORK_DECL\").call: the function declared there"
is "$(lines glob | sort -u)" "pp=process(\"$CALLS\").function(\"main@targets/calls.c:$MAIN_DECL\")" \
	"function(\"m*@*.c\"): main, the only m* of the program's sources"

stp nofile <<'EOF'
probe process.function("work@nosuch.c") { }
EOF
run_utap "$S" -c "$T/calls 1"
is "$UTAP_RC" 2 "function(\"work@nosuch.c\"): refused"
ok "function(\"work@nosuch.c\"): says no function is work@nosuch.c" \
	grep -q 'no function in .* is work@nosuch.c' "$UTAP_ERR" || diag_file "$UTAP_ERR"

# ---- statement("FUNC@FILE:LINE") ---------------------------------------------------

stp stmt <<EOF
probe process.statement("work@calls.c:$WORK_BODY") { printf("stmt pp=%s i=%d\n", pp(), \$i) }
EOF
traced_same "statement(\"work@calls.c:$WORK_BODY\")" "$S" -- "$T/calls" "$N"
same_values "statement(\"work@calls.c:$WORK_BODY\"): \$i" "$(lines stmt | field i)" \
	"$(out_values "$PLAIN_OUT" work i)"
is "$(lines stmt | field pp | sort -u)" \
	"process(\"$CALLS\").statement(\"work@targets/calls.c:$WORK_BODY\")" \
	"pp() of a statement: the function, file and line"
stp stmt_other <<EOF
probe process.statement("main@calls.c:$WORK_BODY") { }
EOF
run_utap "$S" -c "$T/calls 1"
is "$UTAP_RC" 2 "statement(\"main@calls.c:$WORK_BODY\"): line $WORK_BODY is in work, not main"
ok "statement in the wrong function: says so" \
	grep -q "calls.c:$WORK_BODY has no code inside a function 'main'" "$UTAP_ERR" ||
	diag_file "$UTAP_ERR"

# ---- an SDT marker's pp() -------------------------------------------------------------

stp markpp <<EOF
probe process("$T/usdt").mark("t*") { printf("markpp %s\n", pp()) }
EOF
traced_same "pp() of a marker" "$S" -- "$T/usdt" 2
is "$(lines markpp | sort -u)" "process(\"$(realpath "$T/usdt")\").mark(\"tick\")" \
	"pp() of .mark(\"t*\"): the file's absolute path and the marker's name"

# ---- inlined copies: .inline, .call, and both ----------------------------------------

SQ_DECL=$(line_of inline.c 'long sq(long x)')
stp inline <<'EOF'
global n
probe process.function("sq").inline { n["inline"]++; p[pp()] = probefunc() }
probe process.function("sq") { n["plain"]++ }
probe process.function("f*").call { n["call " . probefunc()]++ }
probe process.function("*") { if (probefunc() == "sq") n["glob"]++ }
global p
probe end {
	foreach (k+ in n) printf("count %s=%d\n", k, n[k])
	foreach (k in p) printf("inline pp=%s func=%s\n", k, p[k])
}
EOF
traced_same "function(\"sq\").inline" "$S" -- "$T/inline-O2" 5
SQ_CALLS=$(sed -n 's/.* sq_calls=\([0-9]*\) .*/\1/p' "$PLAIN_OUT")
ITER=$(sed -n 's/.* iterations=\([0-9]*\)$/\1/p' "$PLAIN_OUT")
is "$(lines count | field inline)" "$SQ_CALLS" ".inline: once per run of sq's body ($SQ_CALLS)"
is "$(lines count | field plain)" "$SQ_CALLS" "function(\"sq\"): its inlined copies too"
is "$(lines count | field glob)" "$SQ_CALLS" "function(\"*\"): the inlined copies of sq too"
is "$(lines count | sed -n 's/^call f1=//p')" "$ITER" ".call: f1 out of line, once per iteration"
is "$(lines count | sed -n 's/^call f2=//p')" "$ITER" ".call: f2 out of line, once per iteration"
is "$(lines inline | sort -u)" \
	"pp=process(\"$(realpath "$T/inline-O2")\").function(\"sq@targets/inline.c:$SQ_DECL\").inline func=sq" \
	".inline: pp() and probefunc() name sq, not the function it is inlined into"
stp sqreturn <<'EOF'
probe process.function("sq").return { }
EOF
run_utap "$S" -c "$T/inline-O2 1"
is "$UTAP_RC" 2 "function(\"sq\").return on a function only inlined: refused"
ok "... with a hint to .inline" grep -q 'function("sq").inline probes them' "$UTAP_ERR" ||
	diag_file "$UTAP_ERR"

# ---- -S shows where each site is -------------------------------------------------------

run_utap -S "$S" -c "$T/inline-O2 1"
stp dry <<'EOF'
probe process.function("sq").inline { }
EOF
run_utap -S "$S" -c "$T/inline-O2 1"
is "$UTAP_RC" 0 "-S on .inline: exit status 0"
is "$(grep -c "^  in       sq@targets/inline.c:$SQ_DECL, an inlined copy, at its entry" "$UTAP_OUT")" \
	"$(grep -c '^  site ' "$UTAP_OUT")" "-S: every site is at an inlined copy of sq's entry"

# ---- errors at their place ----------------------------------------------------------

# check_error NAME SCRIPT-LINE MESSAGE: the one-line script is refused with
# status 2 and "FILE:1:COL: error: MESSAGE", COL where its quoted argument is.
check_error()
{
	printf '%s\n' "$2" >"$TMP/$1.stp"
	run_utap "$TMP/$1.stp" -c "$T/calls 1"
	local col
	col=$(awk -v s="$2" 'BEGIN { print index(s, "(\"") + 1 }')
	is "$UTAP_RC" 2 "$1: exit status 2"
	ok "$1: $TMP/$1.stp:1:$col: $3" grep -qF "$TMP/$1.stp:1:$col: error: $3" "$UTAP_ERR" ||
		diag_file "$UTAP_ERR"
}
check_error nofile_ext 'probe process.function("work@calls") { }' \
	"function(\"work@calls\"): no source file after '@'"
check_error stmt_star 'probe process.statement("work@calls.c:*") { }' \
	"statement(\"work@calls.c:*\"): lines given as '*', ranges or lists are not supported yet"
check_error stmt_noline 'probe process.statement("work@calls.c") { }' \
	"statement(\"work@calls.c\") needs a line"
check_error badline 'probe process.function("work@calls.c:x") { }' \
	"function(\"work@calls.c:x\"): 'x' is not a line number"

# ---- optional points, never, a process path as a pattern, -v ----------------------------

LIBC=$(ldd "$T/calls" | sed -n 's/.*libc.so.6 => \([^ ]*\) .*/\1/p')
[ -n "$LIBC" ] || bail "ldd names no libc.so.6 for calls"
LIBC_GLOB=$(dirname "$(realpath "$LIBC")")/libc.so*
stp optional <<EOF
global n, types
probe process.function("nosuch")?, process.function("work") { n[probefunc()]++ }
probe process("$LIBC_GLOB").function("nosuch_either") ? { n["never"]++ }
probe process("$LIBC_GLOB").function("printf") { n["printf"]++ }
probe never { types["x"] = 1 }
probe process.function("work") { printf("set %d %d\n", target_set_pid(pid()), target_set_pid(ppid())) }
probe end { foreach (k+ in n) printf("count %s=%d\n", k, n[k]) }
EOF
UTAP_OPTS=(-v)
traced_same "optional points, never, a pattern for the library's path" "$S" -- "$T/calls" "$N"
UTAP_OPTS=()
is "$(lines count | tr '\n' ' ')" "printf=$(grep -c . "$PLAIN_OUT") work=$N " \
	"process(\"$LIBC_GLOB\"): libc's printf once per line printed; the optional points left out"
is "$(lines set | sort -u)" "1 0" "target_set_pid(): the target's pid, not its parent"
ok "-v: SystemTap's pass messages" grep -q '^Pass 2: analyzed script: 6 probes, 0 functions, 2 globals' "$UTAP_ERR"
ok "-v: the optional point left out, said so" \
	grep -q 'optional, left out: unknown symbol .nosuch. in' "$UTAP_ERR" || diag_file "$UTAP_ERR"
stp sufficient <<'EOF'
probe process.function("work")! { }
EOF
run_utap "$S" -c "$T/calls 1"
is "$UTAP_RC" 2 "a sufficient point ('!'): refused"
ok "... as not supported yet, at its place" \
	grep -q "$S:1:7: error: sufficient probe points ('!') are not supported yet" "$UTAP_ERR"

# ---- process(PID): the process -x attaches to -------------------------------------------

why=$(attach_blocked)
if [ -n "$why" ]; then
	skip 4 "$why"
else
	LR_OUT=$TMP/longrun.out
	start_bg "$LR_OUT" "$T/longrun" 1
	LR_PID=$BG_PID
	wait_for "$LR_OUT" '^round=1 ' || bail "longrun did not start"
	stp bypid <<EOF
probe process($LR_PID).function("step").return
{
	printf("step i=%d ret=%d pp=%s\n", \$i, \$return, pp())
	exit()
}
EOF
	run_utap -x "$LR_PID" -o "$HITS" "$S"
	is "$UTAP_RC" 0 "process($LR_PID) with -x $LR_PID: exit status 0" || diag_file "$UTAP_ERR"
	ok "process(PID): (i, ret) as longrun printed it" \
		grep -qFx "$(lines step | sed 's/ pp=.*//' | sed 's/^/step /')" "$LR_OUT"
	ok "process(PID): pp() names the program's path" \
		grep -qF "pp=process(\"$(realpath "$T/longrun")\").function(\"step@targets/longrun.c:" "$HITS"
	kill -TERM "$LR_PID"
	wait_exit "$LR_PID" 10
	ok "process(PID): longrun ran on and exits 0, every result right" \
		test "$BG_RC" = 0 -a -n "$(grep '^done .* bad=0$' "$LR_OUT")"
fi

done_testing
