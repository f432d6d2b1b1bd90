#!/bin/bash
# leaks.t: utap leaks over targets/leaks.c, which leaks, keeps and misuses
# memory in known ways and prints its own truth: the report must match it
# exactly (per scenario and per class), at -O0 and -O2, launched and
# attached; the double free and the free of a stack address are reported
# with their addresses and stacks; the program computes and exits as it
# does untraced; Ctrl-C detaches and leaves it running; periodic reports;
# bad input.
. "$(dirname "$0")/lib.sh"
require_utap
command -v jq >/dev/null || bail "jq is needed (make installs it)"

# mask_addrs FILE: the target's output with addresses masked.
mask_addrs() { sed -E 's/0x[0-9a-f]+/0xADDR/g; s/pid=[0-9]+/pid=N/g' "$1"; }

# truth OUT WHAT [CLASS]: "BLOCKS BYTES" the target printed ("truth WHAT
# CLASS B N", or "truth WHAT B N" without a class).
truth()
{
	if [ -n "$3" ]; then
		awk -v w="$2" -v c="$3" '$1 == "truth" && $2 == w && $3 == c { print $4, $5 }' "$1"
	else
		awk -v w="$2" '$1 == "truth" && $2 == w { print $3, $4 }' "$1"
	fi
}

# report FILE NAME: the JSON report NAME ("at exit", "on detach") from FILE.
report() { jq -c --arg r "$2" 'select(.report == $r)' "$1"; }

# summary JSON CLASS: "BLOCKS BYTES" of a class in a report's summary.
summary() { jq -r --arg c "$2" '.summary[$c] | "\(.blocks) \(.bytes)"' <<<"$1"; }

# scenario JSON FUNC CLASS: "BLOCKS BYTES" of the records of CLASS whose
# allocation stack passes through FUNC.
scenario()
{
	jq -r --arg f "$2" --arg c "$3" '[.records[] | select(.class == $c and
		any(.stack[]; .sym == $f))] | "\(map(.blocks) | add // 0) \(map(.bytes) | add // 0)"' <<<"$1"
}

# errors FILE KIND: the error objects of that kind.
errors() { jq -c --arg k "$2" 'select(.error == $k)' "$1"; }

# stack_has JSON KEY FUNC: the error's stack KEY passes through FUNC.
stack_has() { jq -e --arg k "$2" --arg f "$3" 'any(.[$k][]; .sym == $f)' <<<"$1" >/dev/null; }

CLASSES=("definitely:definitely lost" "indirectly:indirectly lost" "possibly:possibly lost")

# check_report DESC OUT JSON: the report matches the target's truth.
check_report()
{
	local desc=$1 out=$2 rep=$3 pair short long sc cls
	ok "$desc: a report" test -n "$rep"
	for pair in "${CLASSES[@]}"; do
		short=${pair%%:*} long=${pair#*:}
		is "$(summary "$rep" "$long")" "$(truth "$out" total "$short")" \
			"$desc: $long in all, as the target says"
	done
	for sc in "leak_direct definitely" "leak_list definitely" "leak_list indirectly" \
		"keep_global reachable" "keep_interior possibly" "thread_body definitely" \
		"lose_realloc definitely"; do
		set -- $sc
		case $2 in
		definitely) cls="definitely lost" ;;
		indirectly) cls="indirectly lost" ;;
		possibly) cls="possibly lost" ;;
		reachable) cls="still reachable" ;;
		esac
		is "$(scenario "$rep" "$1" "$cls")" "$(truth "$out" "$1" "$2")" \
			"$desc: $1: $cls as the target says"
	done
}

# ---- launched, -O0 and -O2 -----------------------------------------------------

for t in leaks leaks-O2; do
	run_plain "$T/$t"
	run_utap leaks --json -o "$TMP/$t.json" -- "$T/$t"
	is "$UTAP_RC" "$PLAIN_RC" "$t: exit status as untraced ($PLAIN_RC)"
	is "$(mask_addrs "$UTAP_OUT")" "$(mask_addrs "$PLAIN_OUT")" "$t: its output as untraced"
	check_report "$t" "$UTAP_OUT" "$(report "$TMP/$t.json" "at exit")"
	df=$(errors "$TMP/$t.json" "double free")
	is "$(wc -l <<<"$df")" 1 "$t: one double free"
	is "$(jq -r '"\(.addr) \(.size)"' <<<"$df")" \
		"$(awk '$2 == "double_free" { print $3, $4 }' "$UTAP_OUT")" \
		"$t: the double free's address and size, as the target says"
	for k in stack first_free_stack alloc_stack; do
		ok "$t: the double free's $k passes through double_free_once" \
			stack_has "$df" "$k" double_free_once
	done
	inv=$(errors "$TMP/$t.json" "invalid free")
	is "$(jq -r .addr <<<"$inv")" "$(awk '$2 == "invalid_free" { print $3 }' "$UTAP_OUT")" \
		"$t: the free of a stack address, at the address the target says"
	ok "$t: its stack passes through invalid_free_once" stack_has "$inv" stack invalid_free_once
	is "$(jq -s '[.[] | select(.error)] | length' "$TMP/$t.json")" 2 "$t: no other error"
done

# ---- other allocators: preloaded, linked in ------------------------------------------

for how in "preload:libjemalloc.so.2" "preload:libtcmalloc_minimal.so.4" "linked:libjemalloc.so.2"; do
	lib=${how#*:}
	path=/usr/lib/x86_64-linux-gnu/$lib
	if [ ! -e "$path" ]; then
		skip 6 "$lib not installed (make installs it as root)"
		continue
	fi
	if [ "${how%%:*}" = preload ]; then
		cmd=(env LD_PRELOAD="$path" "$T/leaks" leaks-only)
		desc="LD_PRELOAD=$lib"
	else
		cmd=("$T/leaks-jemalloc" leaks-only)
		desc="linked with $lib"
	fi
	run_plain "${cmd[@]}"
	run_utap leaks -v --json -o "$TMP/alloc.json" -- "${cmd[@]}"
	is "$UTAP_RC" "$PLAIN_RC" "$desc: exit status as untraced ($PLAIN_RC)"
	ok "$desc: the allocator found is $lib" grep -q "the program's allocator is in $path" "$UTAP_ERR"
	rep=$(report "$TMP/alloc.json" "at exit")
	for pair in "${CLASSES[@]}"; do
		short=${pair%%:*} long=${pair#*:}
		is "$(summary "$rep" "$long")" "$(truth "$UTAP_OUT" total "$short")" \
			"$desc: $long in all, as the target says" ||
			diag "$(jq -c '.records[] | {class, bytes, blocks, at: [.stack[].sym][0:3]}' <<<"$rep")"
	done
	is "$(scenario "$rep" keep_global "still reachable")" "$(truth "$UTAP_OUT" keep_global reachable)" \
		"$desc: keep_global: still reachable as the target says"
done

# ---- --pin: utap and the program on one CPU -------------------------------------------

run_utap leaks --pin --json -o "$TMP/pin.json" -- "$T/leaks"
is "$UTAP_RC" 0 "--pin: exit status 0"
rep=$(report "$TMP/pin.json" "at exit")
for pair in "${CLASSES[@]}"; do
	short=${pair%%:*} long=${pair#*:}
	is "$(summary "$rep" "$long")" "$(truth "$UTAP_OUT" total "$short")" "--pin: $long as the target says"
done
run_utap leaks --pin -p 1
is "$UTAP_RC" 2 "--pin with -p: refused, exit 2"

# ---- the text report -------------------------------------------------------------

run_utap leaks -o "$TMP/text.txt" -- "$T/leaks"
for pair in "${CLASSES[@]}"; do
	short=${pair%%:*} long=${pair#*:}
	read -r b n <<<"$(truth "$UTAP_OUT" total "$short")"
	ok "text: summary line '$long: $n bytes in $b blocks'" \
		grep -qx "  $long: $n bytes in $b blocks" "$TMP/text.txt"
done
addr=$(awk '$2 == "double_free" { print $3 }' "$UTAP_OUT")
ok "text: the double free, with its address and size" \
	grep -q "^utap leaks: double free of $addr (24 bytes) by thread" "$TMP/text.txt"
ok "text: with its three stacks" bash -c "grep -A30 'double free of $addr' '$TMP/text.txt' |
	grep -c 'double_free_once' | grep -qx 3"
ok "text: a record names its function and source line" \
	grep -Eq '^    #0 0x[0-9a-f]+ leak_direct\+0x[0-9a-f]+ \(targets/leaks.c:[0-9]+\)$' "$TMP/text.txt"
ok "text: still reachable blocks are counted, not listed" \
	grep -q -- '--show-reachable' "$TMP/text.txt"
run_utap leaks --show-reachable -o "$TMP/reach.txt" -- "$T/leaks"
ok "--show-reachable lists keep_global's blocks" \
	bash -c "grep -A1 '^still reachable: 112 bytes in 2 blocks\|^still reachable: 64 bytes' '$TMP/reach.txt' | grep -q keep_global"

# ---- --abort-on-error --------------------------------------------------------------

run_utap leaks --abort-on-error -o "$TMP/abort.txt" -- "$T/leaks"
is "$UTAP_RC" 134 "--abort-on-error: the program gets SIGABRT (128+6)"
ok "--abort-on-error: at the double free, before the rest ran" \
	bash -c "grep -q 'truth double_free' '$UTAP_OUT' && ! grep -q 'truth invalid_free' '$UTAP_OUT'"
ok "--abort-on-error: the error was reported" grep -q '^utap leaks: double free' "$TMP/abort.txt"
ok "--abort-on-error: and the report at its exit" grep -q 'summary (pid [0-9]* at exit)' "$TMP/abort.txt"

# ---- attached -------------------------------------------------------------------

why=$(attach_blocked)
if [ -n "$why" ]; then
	skip 20 "$why"
else
	for t in leaks leaks-O2; do
		for strict in "" --strict; do
			desc="$t attached${strict:+ $strict}"
			rm -f "$TMP/bg.out"
			start_bg "$TMP/bg.out" "$T/$t" wait
			tpid=$BG_PID
			wait_for "$TMP/bg.out" '^ready pid='
			# fresh files: an earlier run's "tracing" line must not be taken
			# for this one's (the redirection happens after we look)
			rm -f "$TMP/att.err" "$TMP/att.json"
			timeout 30 "$UTAP" leaks -v --json $strict -o "$TMP/att.json" -p "$tpid" \
				2>"$TMP/att.err" &
			upid=$!
			wait_for "$TMP/att.err" "leaks: tracing pid $tpid"
			kill -USR1 "$tpid"
			wait_exit "$tpid" 20
			is "$BG_RC" 0 "$desc: the program exits normally"
			wait "$upid"
			is "$?" 0 "$desc: utap ends with it"
			rep=$(report "$TMP/att.json" "at exit")
			if [ -z "$strict" ]; then
				check_report "$desc" "$TMP/bg.out" "$rep"
				is "$(jq -s '[.[] | select(.error and .error != "double free")] | length' \
					"$TMP/att.json")" 0 \
					"$desc: no invalid free for blocks allocated before the attach"
				is "$(jq -r '.errors["unknown free"]' <<<"$rep")" 6 \
					"$desc: the 5 old blocks and the stack address are of unknown origin"
			else
				is "$(jq -s '[.[] | select(.error == "free of an unknown block")] | length' \
					"$TMP/att.json")" 6 \
					"$desc: the 5 old blocks and the stack address are reported"
			fi
			is "$(errors "$TMP/att.json" "double free" | jq -r .addr)" \
				"$(awk '$2 == "double_free" { print $3 }' "$TMP/bg.out")" \
				"$desc: the double free is caught"
		done
	done

	# Ctrl-C detaches: a report, and the program goes on untouched.
	rm -f "$TMP/bg.out"
	start_bg "$TMP/bg.out" "$T/leaks" wait
	tpid=$BG_PID
	wait_for "$TMP/bg.out" '^ready pid='
	timeout 30 "$UTAP" leaks -v -i 0.2 -o "$TMP/int.txt" -p "$tpid" 2>"$TMP/int.err" &
	upid=$!
	wait_for "$TMP/int.err" "leaks: tracing pid $tpid"
	wait_for "$TMP/int.txt" 'summary \(pid [0-9]+ after'
	ok "-i: a periodic report while attached" grep -Eq 'summary \(pid [0-9]+ after [0-9.]+ s\)' "$TMP/int.txt"
	kill -INT "$upid"
	wait "$upid"
	is "$?" 0 "Ctrl-C: utap exits 0"
	ok "Ctrl-C: the report on detach" grep -q "summary (pid $tpid on detach)" "$TMP/int.txt"
	ok "Ctrl-C: the program still runs" kill -0 "$tpid"
	ok "Ctrl-C: it is not traced any more" \
		bash -c "grep -q '^TracerPid:[[:space:]]*0$' /proc/$tpid/status"
	kill -USR1 "$tpid"
	wait_exit "$tpid" 20
	is "$BG_RC" 0 "Ctrl-C: then it exits normally"
	ok "Ctrl-C: having done all its work" grep -q 'truth invalid_free' "$TMP/bg.out"
fi

# ---- periodic reports of a launched program, --older-than -----------------------------

for older in "" "--older-than 1000"; do
	rm -f "$TMP/per.out" "$TMP/per.json"
	start_bg "$TMP/per.out" "$UTAP" leaks --json -i 0.2 $older -o "$TMP/per.json" -- "$T/leaks" wait
	upid=$BG_PID
	wait_for "$TMP/per.out" '^ready pid='
	wait_until 10 grep -q '"report":"after' "$TMP/per.json"
	rep=$(jq -c 'select(.report | startswith("after"))' "$TMP/per.json" | tail -n 1)
	if [ -z "$older" ]; then
		is "$(jq -r '[.records[] | select(.stack[0].sym == "main")] |
			"\(map(.blocks) | add // 0) \(map(.bytes) | add // 0)"' <<<"$rep")" \
			"$(truth "$TMP/per.out" old "")" "-i: a periodic report has the blocks main holds"
	else
		is "$(jq -r '.records | length' <<<"$rep")" 0 \
			"-i --older-than 1000: no block is that old"
	fi
	kill -USR1 "$(grep -o 'pid=[0-9]*' "$TMP/per.out" | cut -d= -f2)"
	wait_exit "$upid" 20
	is "$BG_RC" 0 "-i ${older:+$older }: the program exits normally"
done

# ---- a program killed while traced --------------------------------------------------

start_bg "$TMP/kill.out" "$UTAP" leaks --json -o "$TMP/kill.json" -- "$T/leaks" wait
upid=$BG_PID
wait_for "$TMP/kill.out" '^ready pid='
tpid=$(grep -o 'pid=[0-9]*' "$TMP/kill.out" | cut -d= -f2)
kill -KILL "$tpid"
wait_exit "$upid" 20
is "$BG_RC" 137 "killed: utap exits with the program's status (128+9)"
rep=$(jq -c 'select(.report)' "$TMP/kill.json" | tail -n 1)
is "$(jq -r '[.records[] | select(.stack[0].sym == "main")] |
	"\(map(.blocks) | add // 0) \(map(.bytes) | add // 0)"' <<<"$rep")" \
	"$(truth "$TMP/kill.out" old "")" \
	"killed: the report has the blocks main allocated before it was killed"

# ---- bad input --------------------------------------------------------------------

run_utap leaks
is "$UTAP_RC" 2 "no command: exit 2"
ok "no command: says what to give" grep -q 'give a command or -p PID' "$UTAP_ERR"
run_utap leaks -p 999999999
is "$UTAP_RC" 2 "bad pid: exit 2"
run_utap leaks --stack-depth 0 -- "$T/leaks"
is "$UTAP_RC" 2 "--stack-depth 0: exit 2"
run_utap leaks --older-than 10 -- "$T/leaks"
is "$UTAP_RC" 2 "--older-than without -i: exit 2"
ok "--older-than without -i: a hint" grep -q 'hint: add -i SECS' "$UTAP_ERR"
run_utap leaks -i abc -- "$T/leaks"
is "$UTAP_RC" 2 "-i abc: exit 2"
run_utap leaks --bogus -- "$T/leaks"
is "$UTAP_RC" 2 "unknown option: exit 2"
run_utap leaks -- "$T/nomalloc"
is "$UTAP_RC" 2 "a program without malloc: exit 2"
ok "a program without malloc: says so" grep -q 'defines no malloc and free' "$UTAP_ERR"
run_utap leaks -- /nonexistent/prog
is "$UTAP_RC" 2 "a command that does not exist: exit 2"

done_testing
