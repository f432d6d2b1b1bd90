#!/bin/bash
# script_probes.t: scripts with process probes over the targets: entries and
# returns with $params, members and $return, the context functions
# (probefunc, pp, execname, pid/target, tid, int_arg, pointer_arg,
# returnval), strings from the tracee, globs, a library's function, a
# source-line statement, recursion, threads, attaching with -x, stacks and
# symbols. Each target prints what it passed and got back: that is what
# the scripts must see; the target's own output stays the same.
. "$(dirname "$0")/lib.sh"
require_utap
for b in calls demo dllinked libplug.so recurse threads longrun scripted; do
	[ -x "$T/$b" ] || [ -f "$T/$b" ] || bail "target $b not built in $T (make targets)"
done
SCRIPTS=$ROOT/tests/scripts

# stp NAME: the script on stdin into $TMP/NAME.stp; its path in $S.
stp()
{
	S=$TMP/$1.stp
	cat >"$S"
}

# lines TAG [FILE]: the rest of the lines "TAG ..." of FILE (default $HITS).
lines() { sed -n "s/^$1 //p" "${2:-$HITS}"; }

# ---- entry and return on calls: parameters, members, context -----------------

N=5
traced_same "calls_context.stp" "$SCRIPTS/calls_context.stp" -- "$T/calls" "$N"
same_values "entry: \$i \$p->a \$p->b as calls printed them" \
	"$(lines entry | awk '{ print $1, $2, $3 }')" \
	"$(grep '^work ' "$PLAIN_OUT" | awk '{ print $2, $3, $4 }')"
same_values "return: \$return as calls printed it" "$(lines return | field ret)" \
	"$(out_values "$PLAIN_OUT" work ret)"
same_values "return: returnval() is \$return" "$(lines return | field returnval)" \
	"$(lines return | field ret)"
same_values "return: \$i is the value at the entry" "$(lines return | field i)" \
	"$(out_values "$PLAIN_OUT" work i)"
same_values "int_arg(1) is \$i" "$(lines entry | field int_arg)" "$(lines entry | field i)"
same_values "pointer_arg(2) is \$p" "$(lines entry | field pointer_arg)" "$(lines entry | field p)"
is "$(lines context | sort -u)" \
	"probefunc=work ppfunc=work execname=calls is_return=0 pid_is_target=1 tid_is_pid=1" \
	"probefunc, ppfunc, execname, is_return, pid() == target(), tid() == pid()"
is "$(lines return | field is_return | sort -u)" 1 "is_return() in a .return probe"
is "$(lines context | wc -l)" "$N" "one entry per call ($N)"
ok "pp() names the probe point" grep -q '^pp process.*\.function("work' "$HITS" || diag_file "$HITS"
is "$(lines usymname | sort -u)" work "usymname(uaddr()) is probefunc()"
is "$(lines first_frame | sort -u)" work "the first address of ubacktrace() is in work"

# Each stack (print_ubacktrace's lines after "stack", sprint_ubacktrace's
# after "sstack") as its function names in one line.
for kind in stack sstack; do
	st=$(awk -v k="$kind" '
		$0 == k { on = 1; s = ""; next }
		on && ($0 == "sstack" || $0 == "end_stack") { print s; on = 0 }
		on {
			f = $0
			sub(/^ *0x[0-9a-f]+ : /, "", f)
			sub(/\+.*/, "", f)
			s = s (s == "" ? "" : " ") f
		}' "$HITS")
	name=print_ubacktrace
	[ "$kind" = sstack ] && name=sprint_ubacktrace
	is "$(echo "$st" | wc -l)" "$N" "$name: one stack per hit"
	is "$(echo "$st" | awk '$1 != "work" || $2 != "main"' | head -n 3)" "" \
		"$name: work, then main, in every stack"
done

# ---- strings from the tracee: demo's process_order(order, note) -------------------

stp demo <<'EOF'
probe process.function("process_order")
{
	printf("order id=%d customer=%s note=%s\n", $o->id, user_string($o->customer),
	       user_string($note))
	printf("note3 %s\n", user_string_n($note, 3))
	printf("arg2 %s\n", user_string(pointer_arg(2)))
	printf("quoted %s\n", user_string_quoted($note))
}
probe process.function("total_cents").return
{
	printf("total %d\n", $return)
}
EOF
traced_same "demo strings" "$S" -- "$T/demo"
# The target: "order #ID for CUSTOMER: ... (NOTE)".
sed -En 's/^order #([0-9]+) for ([^:]+): .*\((.*)\)$/\1 \2 \3/p' "$PLAIN_OUT" >"$TMP/demo.want"
same_values "user_string of a char * member and parameter" \
	"$(lines order | sed -E 's/id=([0-9]+) customer=(.*) note=(.*)/\1 \2 \3/')" \
	"$(cat "$TMP/demo.want")"
same_values "user_string_n(\$note, 3)" "$(lines note3)" "$(awk '{ print substr($3, 1, 3) }' "$TMP/demo.want")"
same_values "user_string(pointer_arg(2)) is \$note's" "$(lines arg2)" "$(awk '{ print $3 }' "$TMP/demo.want")"
same_values "user_string_quoted(\$note)" "$(lines quoted)" "$(awk '{ print "\"" $3 "\"" }' "$TMP/demo.want")"
# Cents, from the target's "= EUROS.CENTS" (no leading zeros in cents*100).
same_values "total_cents() .return" "$(lines total)" \
	"$(sed -En 's/.* = ([0-9]+)\.([0-9]+) \(.*/\1 \2/p' "$PLAIN_OUT" | awk '{ print $1 * 100 + $2 }')"

# ---- members through pointers, embedded structs and arrays: typed's use_outer --------
#
# SystemTap writes every member access with '->', through a pointer or not
# ('.' is string concatenation).

stp typed <<'EOF'
probe process.function("use_outer")
{
	printf("outer id=%d vals1=%d name=%s label=%s\n", $o->id, $o->vals[1],
	       user_string($o->name), user_string($o->label))
}
EOF
traced_same "typed members" "$S" -- "$T/typed" 3
# typed prints: typed: call=N fn=use_outer id=.. vals1=.. name="..." label="..." next_id=..
want_typed() { grep ' fn=use_outer ' "$PLAIN_OUT" | field "$1" | tr -d '"'; }
for k in id vals1 name label; do
	same_values "\$o->$k (pointer members, an array element, a char array)" \
		"$(lines outer | field "$k")" "$(want_typed "$k")"
done
stp typed_embedded <<'EOF'
probe process.function("use_outer")
{
	printf("outer in_x=%d arr2_x=%d\n", $o->in->x, $o->arr[2]->x)
}
EOF
traced_same "typed embedded members" "$S" -- "$T/typed" 3
for k in in_x arr2_x; do
	same_values "$k: '->' into an embedded struct, as SystemTap reads it" \
		"$(lines outer | field "$k")" "$(want_typed "$k")"
done

# A member that does not exist: refused like any error in a script, at
# its place.
stp nosuch <<'EOF'
probe process.function("use_outer")
{
	println($o->nosuch)
}
EOF
run_utap "$S" -c "$T/typed 1"
is "$UTAP_RC" 2 "\$o->nosuch: exit status 2"
ok "\$o->nosuch: the error is at ${S##*/}:3:$(awk 'NR == 3 { print index($0, "$o") }' "$S")" \
	grep -q "^utap: $S:3:$(awk 'NR == 3 { print index($0, "$o") }' "$S"): error: .*nosuch" "$UTAP_ERR" ||
	diag_file "$UTAP_ERR"

# ---- globs ------------------------------------------------------------------------

stp globs <<'EOF'
global n
probe process.function("w*") { n[probefunc()]++ }
probe end { foreach (f+ in n) printf("glob fn=%s count=%d\n", f, n[f]) }
EOF
traced_same "function(\"w*\")" "$S" -- "$T/calls" "$N"
is "$(lines glob)" "fn=work count=$(grep -c '^work ' "$PLAIN_OUT")" "function(\"w*\") is work, once per call"

# scripted calls: alpha, beta and gamma_; "*a" matches alpha and beta only.
sed 's/"w\*"/"*a"/' "$S" >"$TMP/globs2.stp"
traced_same "function(\"*a\")" "$TMP/globs2.stp" -- "$T/scripted" calls 20
same_values "function(\"*a\"): alpha and beta, every call" "$(lines glob)" \
	"$(grep -E '^calls fn=(alpha|beta) ' "$PLAIN_OUT" | cut -d' ' -f2- | sort)"

# ---- a library's function: libplug.so's plug_add from dllinked ---------------------

stp lib <<EOF
probe process("$T/dllinked").library("libplug.so").function("plug_add")
{
	printf("plug_add a=%d b=%d\n", \$a, \$b)
}
probe process("$T/libplug.so").function("plug_add").return
{
	printf("ret %d %s\n", \$return, probefunc())
}
EOF
traced_same "library function" "$S" -- "$T/dllinked" "$N"
same_values "process(..).library(\"libplug.so\").function(\"plug_add\"): \$a \$b" \
	"$(lines plug_add)" "$(grep '^plug_add ' "$PLAIN_OUT" | awk '{ print $2, $3 }')"
same_values "process(\"libplug.so\").function(\"plug_add\").return" "$(lines ret)" \
	"$(out_values "$PLAIN_OUT" plug_add ret | sed 's/$/ plug_add/')"

# ---- a statement at a source line ----------------------------------------------------

LINE=$(grep -n 'return i + p->a \* p->b;' "$ROOT/targets/calls.c" | cut -d: -f1)
[ -n "$LINE" ] || bail "no 'return i + p->a * p->b;' in targets/calls.c"
stp stmt <<EOF
probe process.statement("*@calls.c:$LINE")
{
	printf("line i=%d a=%d b=%d\n", \$i, \$p->a, \$p->b)
}
EOF
traced_same "statement(\"*@calls.c:$LINE\")" "$S" -- "$T/calls" "$N"
same_values ".statement(\"*@calls.c:$LINE\"): \$i \$p->a \$p->b" "$(lines line)" \
	"$(grep '^work ' "$PLAIN_OUT" | awk '{ print $2, $3, $4 }')"

# ---- recursion under a .return probe -------------------------------------------------

stp recurse <<'EOF'
global depth
probe process.function("fib") { depth[tid()]++ }
probe process.function("fib").return
{
	printf("fib n=%d ret=%d\n", $n, $return)
	depth[tid()]--
}
probe end { foreach (t in depth) printf("depth %d\n", depth[t]) }
EOF
traced_same "recursion" "$S" -- "$T/recurse" 8
same_values "fib(): \$n and \$return in return order" "$(grep '^fib ' "$HITS")" \
	"$(grep '^fib ' "$PLAIN_OUT")"
is "$(lines depth)" 0 "every entry had its return"

# ---- threads: counts per thread ------------------------------------------------------

CALLS=300
stp threads <<'EOF'
global count, sum, thread_of
probe process.function("tick")
{
	count[tid()]++
	thread_of[tid()] = $thread
}
probe process.function("tick").return
{
	sum[tid()] += $return
}
probe end
{
	foreach (t in count) {
		printf("thread=%d count=%d sum=%d\n", thread_of[t], count[t], sum[t])
		n++
	}
	printf("tids %d\n", n)
}
EOF

traced_same "threads" "$S" -- "$T/threads" "$CALLS"
same_values "per thread: calls of tick() and the sum of what it returned" \
	"$(grep '^thread=' "$HITS" | sort)" "$(grep '^thread=' "$PLAIN_OUT" | sort)"
is "$(lines tids)" "$(grep -c '^thread=' "$PLAIN_OUT")" "one tid per thread"

# ---- $$parms, $$vars, $$return: a call graph of every function -------------------------

# function("*") takes in _start, the entry point, whose return probe would
# overwrite argc: the target's own output (its argc) shows it did not.
traced_same "callgraph.stp, all functions" "$SCRIPTS/callgraph.stp" \
	"process(\"$T/calls\").function(\"*\")" -- "$T/calls" 3
same_values "callgraph: ->work with \$\$parms, i in hex, in call order" \
	"$(sed -n 's/.*->work i=\(0x[0-9a-f]*\) p=0x[0-9a-f]*$/\1/p' "$HITS")" \
	"$(out_values "$PLAIN_OUT" work i | while read -r v; do printf '0x%x\n' "$v"; done)"
same_values "callgraph: <-work with \$\$return, in hex" \
	"$(sed -n 's/.*<-work return=\(0x[0-9a-f]*\)$/\1/p' "$HITS")" \
	"$(out_values "$PLAIN_OUT" work ret | while read -r v; do printf '0x%x\n' "$v"; done)"
is "$(sed -n 's/.*->main argc=\(0x[0-9a-f]*\) .*/\1/p' "$HITS")" 0x2 "callgraph: main's argc (2)"
main_at=$(sed -n 's/.*calls([0-9]*):\( *\)->main .*/\1/p' "$HITS" | head -n 1)
ok "callgraph: work, called by main, is indented one more than main" \
	grep -q " calls([0-9]*):$main_at ->work " "$HITS"
traced_same "callgraph.stp, inside main only" "$SCRIPTS/callgraph.stp" \
	"process(\"$T/calls\").function(\"work\")" "process(\"$T/calls\").function(\"main\")" \
	-- "$T/calls" 2
is "$(grep -c -- '->work i=' "$HITS")" 2 "callgraph with \$2: the calls inside main"
stp vars <<'EOF'
probe process.function("use_outer") { printf("vars %s\n", $$vars) }
probe process.function("use_outer").return { printf("parms %s\n", $$parms) }
probe process.function("use_outer") { printf("locals [%s]\n", $$locals) }
EOF
traced_same "\$\$vars" "$S" -- "$T/typed" 1
ok "\$\$vars: the parameter o, as a pointer in hex" grep -q '^vars o=0x[0-9a-f]*$' "$HITS"
is "$(lines parms)" "$(lines vars)" "\$\$parms in .return: its value at the call"
is "$(lines locals)" "[]" "\$\$locals: use_outer has none"

# ---- @var: the program's globals ----------------------------------------------------------

stp globals <<'EOF'
probe process.function("use_cfg")
{
	printf("cfg counter=%d cfg_name=\"%s\" cfg_level=%d\n", @var("counter"),
	       user_string(@var("g_cfg")->name), @var("g_cfg")->level)
}
EOF
traced_same "@var" "$S" -- "$T/typed" 3
same_values "@var(\"counter\"), @var(\"g_cfg\")->name and ->level, as the target printed them" \
	"$(lines cfg)" "$(sed -n 's/^typed: call=[0-9]* fn=use_cfg bump=[0-9]* //p' "$PLAIN_OUT")"

# ---- -S: the sites and fetch plans of a script's probes, nothing run -------------------

stp dry <<'EOF'
probe process.function("work") { println($p->a) }
probe process.function("work").return { println($return, " ", @entry($i)) }
EOF
run_utap -S "$S" -c "$T/calls 1"
is "$UTAP_RC" 0 "-S: exit status 0"
off=$(printf '0x%x' "$(file_offset "$T/calls" work)")
is "$(grep -c "^  site     work+0x0, file offset $off," "$UTAP_OUT")" 3 \
	"-S: the entry, the return and the values at its call, all at work's offset ($off)"
ok "-S: \$p->a compiled to a read through %si" grep -q '^  fetch    \$p->a = +0(%si):s64' "$UTAP_OUT"
at_call=$(grep -A10 'work").return, its values at the call' "$UTAP_OUT")
ok "-S: @entry(\$i) read from %di at the call" grep -q 'fetch    \$i = %di' <<<"$at_call"
is "$(grep -c '^work i=' "$UTAP_OUT")" 0 "-S: the program did not run"

# ---- the overload guard: --max-rate, and handlers that take too much time ---------------

stp rate <<'EOF'
global n
probe process.function("work") { n++ }
probe end { printf("handled %d\n", n) }
EOF
UTAP_OPTS=(--max-rate 40)
traced_same "--max-rate 40" "$S" -- "$T/calls" 200
UTAP_OPTS=()
is "$(lines handled)" 40 "--max-rate 40: the handler ran 40 times, then the probe was disabled"
ok "--max-rate: said so" grep -q 'probe process.function("work") disabled: more than 40 hits' "$UTAP_ERR"
is "$(grep -c '^work i=' "$UTAP_OUT")" 200 "--max-rate: the program made all its calls"

# Threads hitting the probe while it is taken off: a trap already taken at
# a retired site must rerun the instruction, never reach the program.
stp rate_threads <<'EOF'
probe process.function("tick") { }
probe process.function("tick").return { }
EOF
UTAP_OPTS=(--max-rate 10)
traced_same "--max-rate with threads" "$S" -- "$T/threads" 3000
UTAP_OPTS=()
ok "--max-rate with threads: both probes disabled" \
	test "$(grep -c 'disabled: more than 10 hits' "$UTAP_ERR")" = 2

# A handler far heavier than the call it watches: after handlers took half
# of a second, the probe is disabled (SystemTap's STP_OVERLOAD), and the
# program, 20000 calls long, finishes untouched.
stp heavy <<'EOF'
global n
probe process.function("work") { for (i = 0; i < 20000; i++) x += i; n++ }
probe end { printf("handled %d\n", n) }
EOF
UTAP_OPTS=(-D MAXACTION=100000)
traced_same "overload" "$S" -- "$T/calls" 20000
UTAP_OPTS=()
ok "overload: said so" grep -q 'disabled: its handler took [0-9]* ms of the last second (overload)' "$UTAP_ERR"
ok "overload: fewer handler runs than calls ($(lines handled))" test "$(lines handled)" -lt 20000

# ---- process and thread begin and end --------------------------------------------------

stp life <<'EOF'
global tb, te, pids
probe begin { println("order begin") }
probe process.begin { pids[pid()] = 1; printf("pbegin %s %d\n", execname(), pid() == target()) }
probe process.thread.begin { tb++; if (tid() == pid()) println("main thread as a new thread") }
probe thread.end { te++ }
probe process("THREADS").end { printf("pend %d\n", pid() in pids) }
probe end { printf("threadlife %d %d\n", tb, te) }
EOF
sed -i "s|THREADS|$T/threads|" "$S"
traced_same "process/thread begin/end" "$S" -- "$T/threads" 5
is "$(sed -n 1p "$HITS")" "order begin" "begin runs before process.begin"
is "$(lines pbegin)" "threads 1" "process.begin: once, in the target (execname, pid)"
is "$(lines pend)" 1 "process(PATH).end: the same process"
workers=$(sed -n 's/^threads=\([0-9]*\) .*/\1/p' "$PLAIN_OUT")
is "$(lines threadlife)" "$workers $workers" \
	"thread.begin and thread.end: once per thread the target made ($workers)"
is "$(grep -c 'main thread' "$HITS")" 0 "thread.begin is not the main thread"
stp life_other <<'EOF'
probe process("/bin/true").begin { println("never") }
EOF
run_utap "$S" -c "$T/calls 1"
is "$UTAP_RC" 2 "process(\"OTHER\").begin: refused (utap sees the traced program only)"

# ---- -x: attach to a running longrun ------------------------------------------------

why=$(attach_blocked)
if [ -n "$why" ]; then
	skip 6 "$why"
else
	STEPS=6
	stp attach <<EOF
global n
probe process.function("step").return
{
	printf("step i=%d ret=%d\n", \$i, \$return)
	printf("target %d\n", pid() == target())
	if (++n == $STEPS)
		exit()
}
EOF
	LR_OUT=$TMP/longrun.out
	start_bg "$LR_OUT" "$T/longrun" 2
	LR_PID=$BG_PID
	wait_for "$LR_OUT" '^round=1 ' || bail "longrun did not start"
	run_utap -x "$LR_PID" -o "$HITS" "$S"
	is "$UTAP_RC" 0 "-x: attaches, exit() detaches, exit status 0" || diag_file "$UTAP_ERR"
	is "$(grep -c '^step ' "$HITS")" "$STEPS" "-x: $STEPS returns seen, then exit()"
	is "$(lines target | sort -u)" 1 "-x: target() is the attached pid"
	is "$(grep '^step ' "$HITS" | grep -Fxvf "$LR_OUT" | head -n 3)" "" \
		"-x: every (i, ret) as longrun printed it"
	ok "-x: longrun runs on after the detach" kill -0 "$LR_PID"
	kill -TERM "$LR_PID"
	wait_exit "$LR_PID" 10
	ok "-x: longrun exits 0, every result right (bad=0)" \
		test "$BG_RC" = 0 -a -n "$(grep '^done .* bad=0$' "$LR_OUT")"
fi

done_testing
