#!/bin/bash
# uprobe.t: --backend=uprobe, the kernel's uprobes through tracefs. The
# one-liners of the core and debug-info tests (entry, return, $retval,
# registers, stack arguments, member chains, strings, faults, f: filters,
# --json, threads, attach, launch) run under both backends on the same
# targets: the hit lines must be the same field for field (timestamps and
# thread ids masked), and the values the ones the target printed. Then
# cleanup on every way out (normal exit, SIGINT, SIGTERM, the target
# killed, utap killed: its leftovers removed at the next start), -S, the
# errors (no rights, bad --backend), and what is refused at check time.
. "$(dirname "$0")/lib.sh"
require_utap

TR=/sys/kernel/tracing
[ "$(id -u)" = 0 ] || skip_all "the uprobe backend needs root (tracefs)"
if [ ! -e "$TR/README" ]; then
	mount -t tracefs nodev "$TR" 2>/dev/null || skip_all "tracefs not mounted at $TR and cannot be"
fi
[ -e "$TR/uprobe_events" ] || skip_all "this kernel has no uprobe_events (CONFIG_UPROBE_EVENTS)"

# The kernel probes a file's inode in every process: our own copies, so the
# ptrace backend of tests running beside us never meets our breakpoints.
B=$TMP/bin
mkdir -p "$B"
for t in calls calls-O2 calls-nopie fetch fetch-O2 typed typed-O2 demo threads longrun; do
	cp "$T/$t" "$B/" || bail "no $T/$t"
done

# masked FILE: hit lines with timestamps, thread ids and JSON times masked;
# sorted when SORT=1 (threads interleave differently from run to run).
masked()
{
	sed -E 's/-[0-9]+ (\[[0-9]+\] )?([0-9]+\.[0-9]+:)/-TID CPU TIME:/
		s/"(time_ns|tid|pid)":[0-9]+/"\1":N/g' "$1" |
		if [ "${SORT:-0}" = 1 ]; then sort; else cat; fi
}

# both DESC [OPTS...] PROBE... -- CMD ARGS: the target untraced, under the
# ptrace backend, under the uprobe backend: exit status and the target's
# output unchanged under the latter, the same hit lines from both. Hits
# of the uprobe run in $HITS, of the ptrace run in $TMP/ptrace.hits.
both()
{
	local desc=$1 args=() n
	shift
	while [ "$1" != -- ]; do
		args+=("$1")
		shift
	done
	shift
	run_utap "${args[@]}" -o "$TMP/ptrace.hits" -- "$@"
	cp "$UTAP_OUT" "$TMP/ptrace.out"
	UTAP_OPTS=(--backend=uprobe)
	traced_same "$desc" "${args[@]}" -- "$@"
	UTAP_OPTS=()
	masked "$TMP/ptrace.hits" >"$TMP/want.masked"
	masked "$HITS" >"$TMP/got.masked"
	n=$(wc -l <"$TMP/want.masked")
	if [ "$n" -gt 0 ]; then
		same_lines "$TMP/got.masked" "$TMP/want.masked" "$desc: the same $n hit lines as --backend=ptrace"
	else
		fail "$desc: the ptrace backend saw no hits to compare with"
		diag_file "$UTAP_ERR"
	fi
}

# ---- the one-liners, both backends ----------------------------------------

for v in calls calls-O2 calls-nopie; do
	both "$v" "p $B/$v:work i=%0:s32 a=+0(%1):s64 b=+8(%1):s64" \
		"r $B/$v:work ret=\$retval:s64" -- "$B/$v" 12
	same_values "$v: every i as passed" "$(hit_values "$HITS" p0 i)" \
		"$(out_values "$PLAIN_OUT" work i)"
	same_values "$v: every return value" "$(hit_values "$HITS" r1 ret)" \
		"$(out_values "$PLAIN_OUT" work ret)"
done

OFF=$(file_offset "$B/calls" work)
both "calls by file offset" "p $B/calls:$(printf '0x%x' "$OFF") i=%0:s32 a=+0(%1):s64" -- "$B/calls" 5
both "filters: kernel-side, utap-side, mixed" \
	"p $B/calls:work i=%0:s32 a=+0(%1):s64 f:i>3&&a<50" \
	"p $B/calls:work i=%0:s32 f:!(i==2)||pid==0" \
	"r $B/calls:work ret=\$retval:s64 f:ret>5000&&comm==\"calls\"" -- "$B/calls" 8
same_values "filters: i>3&&a<50 passes exactly the target's calls" "$(hit_values "$HITS" p0 i)" \
	"$(out_values "$PLAIN_OUT" work i | awk '$1 > 3' | while read -r i; do
		a=$(grep "^work i=$i " "$PLAIN_OUT" | field a); [ "$a" -lt 50 ] && echo "$i"; done)"

declare -A OFFS
for kv in $("$B/fetch" --layout); do
	OFFS[${kv%%=*}]=${kv#*=}
done
MANY="a0=%0:s32 a1=%1:s64 a2=%2:s16 a3=%3:s8 a4=%4:x32 a5=%5 a6=%6:s64 a7=%7:s64 u1=%si"
WALK="u8=+${OFFS[u8]}(%0):u8 s16=+${OFFS[s16]}(%0):s16 s32=+${OFFS[s32]}(%0):s32"
WALK="$WALK s64=+${OFFS[s64]}(%di):s64 name=+0(+${OFFS[name]}(%0)):string"
WALK="$WALK next_s32=+${OFFS[s32]}(+${OFFS[next]}(%0)):s32"
for v in fetch fetch-O2; do
	both "$v: widths, stack arguments, strings, (fault)" "p $B/$v:many $MANY" \
		"r $B/$v:many ret=\$retval:s64" "p $B/$v:walk $WALK" "r $B/$v:walk ret=\$retval:s32" \
		-- "$B/$v" 4
	ok "$v: a number read through NULL shows (fault), as the target says" \
		grep -q 'next_s32=(fault)' "$HITS"
done

OUTER='id=$o->id in_x=$o->in.x in_y=$o->in.y in_tag=$o->in.tag arr2_x=$o->arr[2].x'
OUTER+=' vals1=$o->vals[1] name=$o->name label=$o->label num_i=$o->num.i color=$o->color'
OUTER+=' bits_lo=$o->bits.lo bits_delta=$o->bits.delta bits_wide=$o->bits.wide'
OUTER+=' bits_flag=$o->bits.flag ok=$o->ok ratio=$o->ratio scale=$o->scale any=$o->any'
OUTER+=' next_id=$o->next->id'
L1=$(grep -n 'LINE-STEP1' "$ROOT/targets/typed.c" | cut -d: -f1)
for v in typed typed-O2; do
	both "$v: DWARF member chains, enums, bit-fields, bools, floats in memory, globals" \
		"p $B/$v:use_outer $OUTER" \
		'p '"$B/$v"':find head_id=$head->id id=$id pos=%0->id arg=$arg1->id' \
		'r '"$B/$v"':find ret_id=$retval->id' \
		'p '"$B/$v"':label_len s=$s' \
		'p '"$B/$v"':use_cfg bump=$bump counter=@counter cfg_name=@g_cfg->name cfg_level=@g_cfg->level' \
		'p '"$B/$v:typed.c:$L1"' n=$n acc1=$acc' \
		-- "$B/$v" 3
	same_values "$v: every id as the target printed" "$(hit_values "$HITS" p0 id)" \
		"$(grep -E '^typed: call=[0-9]+ fn=use_outer ' "$PLAIN_OUT" | field id)"
	both "$v: f: on enum names, bools, strings (in utap) and numbers (in the kernel)" \
		'p '"$B/$v"':use_outer id=$o->id color=$o->color f:color=="GREEN"' \
		'p '"$B/$v"':use_outer id=$o->id ok=$o->ok f:ok==true' \
		'p '"$B/$v"':use_outer id=$o->id l=$o->label f:l=="odd"||id>101' -- "$B/$v" 3
done

both "demo: strings through pointers, --json" --json \
	"p $B/demo:process_order id=+0(%0):s32 qty=+4(%0):s32 customer=+0(+16(%0)):string note=%1:string" \
	"r $B/demo:total_cents cents=\$retval:s64" -- "$B/demo"
json_lines() { jq -e . "$1" >/dev/null; }
ok "demo --json: every line is JSON" json_lines "$HITS"
both "demo: --cpu" --cpu "p $B/demo:process_order id=+0(%0):s32" -- "$B/demo"
ok "demo --cpu: the CPU column" grep -qE '^demo-[0-9]+ \[[0-9]{3}\] [0-9]+\.[0-9]{6}: p0: ' "$HITS"


SORT=1 both "threads: 4 threads at once" "p $B/threads:tick t=%0:s32 k=%1:s32" \
	"r $B/threads:tick ret=\$retval:s64" -- "$B/threads" 200
is "$(hit_count "$HITS" p0)" "$(out_values "$PLAIN_OUT" 'thread=[0-9]+' count | paste -sd+ | bc)" \
	"threads: one hit per call of every thread" || diag_file "$PLAIN_OUT"

# ---- attach -----------------------------------------------------------------

# uprobe_state PID: what utap process PID has in tracefs ("" when nothing).
uprobe_state()
{
	grep -o "utap_$1/[a-z0-9_]*" "$TR/uprobe_events" | tr '\n' ' '
	[ -d "$TR/instances/utap-$1" ] && echo "instance utap-$1"
}
gone() { [ -z "$(uprobe_state "$1")" ]; }

start_bg "$TMP/lr.out" "$B/longrun" 2
LR=$BG_PID
wait_for "$TMP/lr.out" '^round=1 ' || bail "longrun did not start"
start_bg "$TMP/att.hits" "$UTAP" --backend=uprobe -p "$LR" "p $B/longrun:step i=%0:s64" \
	"r $B/longrun:step ret=\$retval:s64"
UP=$BG_PID
wait_for "$TMP/att.hits" ' r1: ' || diag_file "$TMP/att.hits"
ok "attach: the instance and events exist while utap runs" test -n "$(uprobe_state "$UP")"
kill -INT "$UP"
wait_exit "$UP"
is "$BG_RC" 0 "attach, SIGINT: utap exits 0"
ok "attach, SIGINT: events and instance removed" gone "$UP" || diag "left: $(uprobe_state "$UP")"
ok "attach: the target runs on after utap" kill -0 "$LR"
hits "$TMP/att.hits" p0 | field i | LC_ALL=C sort -u >"$TMP/att.i"
grep -o 'step i=[0-9]*' "$TMP/lr.out" | cut -d= -f2 | LC_ALL=C sort -u >"$TMP/lr.i"
ok "attach: hits seen" test -s "$TMP/att.i"
ok "attach: every argument seen is one the target passed" \
	test -z "$(LC_ALL=C comm -23 "$TMP/att.i" "$TMP/lr.i")"
kill -TERM "$LR"
wait_exit "$LR"
is "$BG_RC" 0 "attach: the target ends normally after SIGTERM"
is "$(grep -c BAD "$TMP/lr.out")" 0 "attach: the target computed every result right"

# ---- cleanup on every way out -----------------------------------------------

start_bg "$TMP/n.hits" "$UTAP" --backend=uprobe "p $B/calls:work i=%0:s32" -- "$B/calls" 3
UP=$BG_PID
wait_exit "$UP"
is "$BG_RC" 0 "launch, normal exit: exit status of the target"
ok "launch, normal exit: events and instance removed" gone "$UP"

start_bg "$TMP/t.hits" "$UTAP" --backend=uprobe "p $B/longrun:step i=%0:s64" -- "$B/longrun" 1 3
UP=$BG_PID
wait_exit "$UP" 20
is "$BG_RC" 0 "launch, longrun 3 rounds: exits 0"
ok "launch, longrun: events and instance removed" gone "$UP"

start_bg "$TMP/k.hits" "$UTAP" --backend=uprobe "p $B/longrun:step i=%0:s64" -- "$B/longrun" 1
UP=$BG_PID
wait_for "$TMP/k.hits" ' p0: ' || diag_file "$TMP/k.hits"
kill -KILL $(cat "/proc/$UP/task/$UP/children")
wait_exit "$UP"
is "$BG_RC" 137 "launch, target killed: utap passes on 128+9"
ok "launch, target killed: events and instance removed" gone "$UP"

for sig in TERM INT; do
	start_bg "$TMP/lr-$sig.out" "$B/longrun" 1
	LR=$BG_PID
	wait_for "$TMP/lr-$sig.out" '^round=1 ' || bail "longrun did not start"
	start_bg "$TMP/s-$sig.hits" "$UTAP" --backend=uprobe -p "$LR" "p $B/longrun:step i=%0:s64"
	UP=$BG_PID
	wait_for "$TMP/s-$sig.hits" ' p0: ' || diag_file "$TMP/s-$sig.hits"
	kill -"$sig" "$UP"
	wait_exit "$UP"
	is "$BG_RC" 0 "attach, SIG$sig: utap exits 0"
	ok "attach, SIG$sig: events and instance removed" gone "$UP"
	# utap killed outright cannot clean: the next start does, with a note
	if [ "$sig" = INT ]; then
		start_bg "$TMP/s.hits" "$UTAP" --backend=uprobe -p "$LR" "p $B/longrun:step i=%0:s64"
		UP=$BG_PID
		wait_for "$TMP/s.hits" ' p0: ' || diag_file "$TMP/s.hits"
		kill -KILL "$UP"
		{ wait_exit "$UP"; } 2>/dev/null # no "Killed" note from bash
		ok "utap killed: its events and instance are left" test -n "$(uprobe_state "$UP")"
		left=$(uprobe_state "$UP")
		run_utap --backend=uprobe "p $B/calls:work i=%0:s32" -- "$B/calls" 2
		is "$UTAP_RC" 0 "the next run after a killed utap: exit status 0"
		if [ -n "$left" ]; then
			ok "the next run says it removed the leftovers" \
				grep -q "note: removed .*utap process $UP, which is gone" "$UTAP_ERR"
		else
			skip 1 "a utap run beside this test removed the leftovers first"
		fi
		ok "the next run removed them" gone "$UP" || diag "left: $(uprobe_state "$UP")"
	fi
	kill -TERM "$LR"
	wait_exit "$LR"
done

# ---- scripts -------------------------------------------------------------

# A script whose values the kernel fetches at the hit: the same output
# under both backends, and the values the target printed.
cat >"$TMP/ctx.stp" <<EOF
global n, total, by_exe
probe process("$B/calls").function("work") {
	n++
	by_exe[execname()] <<< \$p->a
	printf("entry i=%d a=%d b=%d own=%d %s\n", \$i, \$p->a, \$p->b, tid() == pid(), \$\$parms)
}
probe process("$B/calls").function("work").return {
	total += \$return
	printf("return ret=%d\n", \$return)
}
probe end { printf("calls=%d total=%d sum_a=%d\n", n, total, @sum(by_exe["calls"])) }
EOF
run_plain "$B/calls" 6
run_utap -o "$TMP/ptrace.script" "$TMP/ctx.stp" -c "$B/calls 6"
run_utap --backend=uprobe -o "$TMP/uprobe.script" "$TMP/ctx.stp" -c "$B/calls 6"
is "$UTAP_RC" 0 "script: exit status 0" || diag_file "$UTAP_ERR"
same_lines "$UTAP_OUT" "$PLAIN_OUT" "script: target output unchanged"
# (the pointer p differs from run to run)
sed -Ei 's/p=0x[0-9a-f]+/p=ADDR/' "$TMP/uprobe.script" "$TMP/ptrace.script"
same_lines "$TMP/uprobe.script" "$TMP/ptrace.script" "script: the same output as --backend=ptrace"
same_values "script: every \$i and \$p->a as passed" \
	"$(out_values "$TMP/uprobe.script" entry i) $(out_values "$TMP/uprobe.script" entry a)" \
	"$(out_values "$PLAIN_OUT" work i) $(out_values "$PLAIN_OUT" work a)"
same_values "script: every \$return" "$(out_values "$TMP/uprobe.script" return ret)" \
	"$(out_values "$PLAIN_OUT" work ret)"

# A timer runs in utap beside the kernel's hits.
cat >"$TMP/timer.stp" <<EOF
global hits
probe process("$B/longrun").function("step") { hits++ }
probe timer.ms(100) { if (hits) { printf("hits seen\n"); exit() } }
EOF
run_utap --backend=uprobe "$TMP/timer.stp" -c "$B/longrun 1 50"
ok "script: a timer probe runs and sees the hits" grep -q '^hits seen$' "$UTAP_OUT"

# refused SCRIPT CONSTRUCT COLUMN: exit 2 at check time, naming the
# construct and its place (file:1:COLUMN) and --backend=ptrace; the target
# never runs.
refused()
{
	printf '%s\n' "$1" >"$TMP/bad.stp"
	run_utap --backend=uprobe "$TMP/bad.stp" -c "$B/calls 1"
	is "$UTAP_RC" 2 "script refused: $2: exit status 2"
	ok "script refused: $2: named with its place" grep -qF "$TMP/bad.stp:1:$3: error: $2" \
		"$UTAP_ERR" || diag_file "$UTAP_ERR"
	ok "script refused: $2: the hint names --backend=ptrace" grep -q "backend=ptrace" "$UTAP_ERR"
	ok "script refused: $2: the target never ran" test ! -s "$UTAP_OUT"
}
W='probe process("'"$B"'/calls").function("work")'
refused "$W { println(user_string(\$p)) }" "user_string()" $((${#W} + 12))
refused "$W { println(register(\"rdi\")) }" "register()" $((${#W} + 12))
refused "$W { println(int_arg(1)) }" "int_arg()" $((${#W} + 12))
refused "$W { print_ubacktrace() }" "print_ubacktrace()" $((${#W} + 4))
refused "$W.return { println(@entry(\$i)) }" "@entry()" $((${#W} + 19))
refused "$W.return { println(\$i) }" "'\$i' in a .return probe" $((${#W} + 19))
refused 'probe process("'"$B"'/calls").begin { println(pid()) }' "probe process.begin" \
	$((${#B} + 25))

# ---- -S: the tracefs writes -------------------------------------------------

run_utap --backend=uprobe -S "p $B/calls:work i=%0:s32 a=+0(%1):s64 f:i>2" \
	"r $B/calls:work ret=\$retval:s64" -- "$B/calls" 3
is "$UTAP_RC" 0 "-S: exit status 0"
ok "-S: the entry event as it is written to uprobe_events" grep -qE \
	"^  echo 'p:utap_[0-9]+/p0 $B/calls:$(printf '0x%x' "$OFF") __comm=\\\$comm i=%di:s32 a=\+0\(%si\):s64 ok[0-9]+=\+0\(%si\):string' >> $TR/uprobe_events$" \
	"$UTAP_OUT" || diag_file "$UTAP_OUT" 40
ok "-S: the return event" grep -qE "^  echo 'r:utap_[0-9]+/r1 $B/calls:$(printf '0x%x' "$OFF") __comm=\\\$comm ret=\\\$retval:s64' >>" "$UTAP_OUT"
ok "-S: the filter goes to the kernel" grep -qE "^  echo 'i > 2' > $TR/instances/utap-[0-9]+/events/utap_[0-9]+/p0/filter$" "$UTAP_OUT"
ok "-S: the instance, its clock, its removal" grep -qE "^  (mkdir|rmdir) $TR/instances/utap-" "$UTAP_OUT"
group=$(grep -o 'utap_[0-9]*/p0' "$UTAP_OUT" | head -1)
group=${group%/p0}
is "$(grep -c "^[pr]:$group/" "$TR/uprobe_events")" 0 "-S: nothing written to tracefs ($group)"
ok "-S: no instance made" test ! -d "$TR/instances/utap-${group#utap_}"

# ---- errors and refusals --------------------------------------------------

run_utap --backend=kernel "p $B/calls:work" -- "$B/calls" 1
is "$UTAP_RC" 2 "--backend=kernel: exit status 2"
ok "--backend=kernel: says which backends there are" grep -q "ptrace.*uprobe" "$UTAP_ERR"

run_utap --backend=uprobe -s "p $B/calls:work" -- "$B/calls" 1
is "$UTAP_RC" 2 "-s with the uprobe backend: refused (exit 2)"
ok "-s: refused with --backend=ptrace as the way" grep -q "not supported yet.*backend=ptrace" \
	<(tr '\n' ' ' <"$UTAP_ERR")
ok "-s: refused before the target ran" test ! -s "$UTAP_OUT"

run_utap --backend=uprobe 'p '"$B/typed"':use_floats f=$f' -- "$B/typed" 1
is "$UTAP_RC" 2 "a double in an xmm register: refused (exit 2)"
ok "xmm: says why and what to use" grep -q "argument f: not supported yet.*floating-point" "$UTAP_ERR"

if command -v setpriv >/dev/null; then
	cp "$UTAP" "$B/utap"
	chmod 755 "$TMP" "$B"
	timeout -k 5 "$UTAP_TIMEOUT" setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$B/utap" --backend=uprobe "p $B/calls:work i=%0" -- "$B/calls" 1 \
		>"$UTAP_OUT" 2>"$UTAP_ERR" </dev/null
	is "$?" 2 "no rights: exit status 2"
	ok "no rights: says which file and suggests the default backend" \
		grep -q "no permission to .*$TR.*backend=ptrace" <(tr '\n' ' ' <"$UTAP_ERR")
	ok "no rights: the target never ran" test ! -s "$UTAP_OUT"
else
	skip 3 "setpriv not installed"
fi
# ---- what the kernel cannot do the way the ptrace backend does ---------------------

# A call through the GOT (-fno-plt): the ptrace backend runs the call before
# reporting; the kernel would stop before it and hijack the wrong return.
run_utap --backend=uprobe "r $T/plt-noplt:plt_add@plt r=\$retval" -- "$T/plt-noplt"
is "$UTAP_RC" 2 "-fno-plt call site: refused, exit 2"
ok "-fno-plt call site: says why and names the ptrace backend" \
	grep -q 'call through the GOT (-fno-plt): not supported yet with --backend=uprobe' "$UTAP_ERR"
ok "-fno-plt call site: the program never ran" test ! -s "$UTAP_OUT"
# An SDT marker guarded by a semaphore: the ptrace backend raises it.
cat >"$TMP/sema.stp" <<EOF
probe process("$T/usdt_sema").mark("tick") { printf("hit %d\\n", \$arg1) }
EOF
run_utap --backend=uprobe "$TMP/sema.stp" -c "$T/usdt_sema 2"
is "$UTAP_RC" 2 "semaphore marker: refused, exit 2"
ok "semaphore marker: says so" grep -q 'guarded by a semaphore: not supported yet with --backend=uprobe' "$UTAP_ERR"

done_testing
