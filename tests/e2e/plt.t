#!/bin/bash
# plt.t: PLT probes (p BIN:NAME@plt, process("BIN").plt("NAME")): targets/plt.c calls
# libpltlib.so lazily bound, -z now, through IBT's .plt.sec and with -fno-plt (no
# stub: the calls read the GOT). Hits, arguments (the seventh from the stack) and
# return values must be what the target printed; stubs, sections and GOT slots
# what objdump and readelf say.
. "$(dirname "$0")/lib.sh"
require_utap

N=5
FUNCS="plt_add plt_seven plt_tail plt_len"

# call_values FILE FUNC KEY: KEY of the target's "call FUNC ..." lines.
call_values() { grep -E "^call $2 " "$1" | field "$3"; }
# unquote: a string fetch prints as s="text".
unquote() { sed -E 's/^"(.*)"$/\1/'; }

for v in plt plt-now plt-ibt plt-noplt; do
	B=$T/$v
	if [ "$v" = plt-ibt ] && ! readelf -SW "$B" | grep -q '\.plt\.sec'; then
		skip 8 "$v: the linker made no .plt.sec (no -z ibtplt)"
		continue
	fi
	traced_same "$v" \
		"p $v:plt_add@plt a=%0:s32 b=%1:s32" "r $v:plt_add@plt ret=\$retval:s32" \
		"p $v:plt_seven@plt g=%6:s64" "r $v:plt_seven@plt ret=\$retval:s64" \
		"p $v:plt_tail@plt x=%0:s64" "r $v:plt_tail@plt ret=\$retval:s64" \
		"p $v:plt_len@plt s=%0:string" \
		-- "$B" "$N"
	got=$(for f in $FUNCS; do
		case $f in plt_add) p=p0 ;; plt_seven) p=p2 ;; plt_tail) p=p4 ;; plt_len) p=p6 ;; esac
		printf '%s=%s ' "$f" "$(hit_count "$HITS" "$p")"
	done)
	is "count ${got% }" "$(grep '^count ' "$PLAIN_OUT")" "$v: one hit per call the target counted"
	same_values "$v: plt_add's arguments and results" \
		"$(paste -d' ' <(hit_values "$HITS" p0 a) <(hit_values "$HITS" p0 b) \
			<(hit_values "$HITS" r1 ret))" \
		"$(paste -d' ' <(call_values "$PLAIN_OUT" plt_add a) \
			<(call_values "$PLAIN_OUT" plt_add b) <(call_values "$PLAIN_OUT" plt_add ret))"
	same_values "$v: plt_seven's seventh argument (on the stack) and results" \
		"$(paste -d' ' <(hit_values "$HITS" p2 g) <(hit_values "$HITS" r3 ret))" \
		"$(paste -d' ' <(call_values "$PLAIN_OUT" plt_seven g) \
			<(call_values "$PLAIN_OUT" plt_seven ret))"
	same_values "$v: plt_tail (a tail call) and its results" \
		"$(paste -d' ' <(hit_values "$HITS" p4 x) <(hit_values "$HITS" r5 ret))" \
		"$(paste -d' ' <(call_values "$PLAIN_OUT" plt_tail x) \
			<(call_values "$PLAIN_OUT" plt_tail ret))"
	same_values "$v: plt_len's string" "$(hit_values "$HITS" p6 s | unquote)" \
		"$(call_values "$PLAIN_OUT" plt_len s)"

	# -S: each site where objdump and readelf put it.
	run_utap -S "p $v:plt_*@plt" -- "$B" 1
	if [ "$v" = plt-noplt ]; then
		# no stub: every call and tail call that reads a plt_* GOT slot
		want=$(objdump -d "$B" | grep -cE '(call|jmp) +\*0x[0-9a-f]+\(%rip\) +# [0-9a-f]+ <plt_[a-z]+@Base>')
		is "$(grep -c '^  plt      plt_[a-z]*: \(call\|tail call\) in \.text' "$UTAP_OUT")" \
			"$want" "$v -S: the $want calls through the GOT objdump shows"
	else
		want=$(objdump -d "$B" | awk '/^Disassembly of section/ { sec = $4; sub(/:$/, "", sec) }
			/<plt_add@plt>:$/ { print $1, sec }')
		want="$(printf '%#x' "0x${want%% *}") ${want#* }"
		got=$(awk '/^  site     plt_add@plt/ { a = $NF } /^  plt      plt_add: stub in/ { print a, $5 }' \
			"$UTAP_OUT" | sed 's/,$//')
		is "$got" "$want" "$v -S: plt_add's stub at objdump's address and section"
	fi
	slot=$(printf '%#x' "0x$(readelf -rW "$B" |
		awk '$5 == "plt_add" && $3 ~ /JUMP_SLOT|GLOB_DAT/ { print $1 }')")
	is "$(grep -m1 -oE '^  plt      plt_add: .* GOT slot 0x[0-9a-f]+' "$UTAP_OUT" | awk '{ print $NF }')" \
		"$slot" "$v -S: plt_add's GOT slot is its relocation's ($slot)"
done

# Stacks: at a stub, frame 0 is the stub; at a -fno-plt call, the hit is
# taken in the called function, its caller main.
run_utap -s "p plt-ibt:plt_add@plt" -- "$T/plt-ibt" 1
ok "-s at a stub: frame 0 is plt_add@plt" grep -qE '^ +#0 0x[0-9a-f]+ plt_add@plt\+0x0 ' "$UTAP_OUT"
run_utap -s "p plt-noplt:plt_add@plt" -- "$T/plt-noplt" 1
ok "-s at a -fno-plt call: frame 0 is plt_add, in the library" \
	grep -qE '^ +#0 0x[0-9a-f]+ plt_add\+0x0 \(targets/libpltlib.c:[0-9]+\)' "$UTAP_OUT"
ok "-s at a -fno-plt call: frame 1 is main" grep -qE '^ +#1 0x[0-9a-f]+ main\+' "$UTAP_OUT"

# A script: $$name and ppfunc() are the function called, int_arg(N) and $argN its
# arguments, $return its result.
S=$TMP/plt.stp
cat >"$S" <<EOF
probe process("$T/plt-noplt").plt("plt_*") {
	printf("hit %s %s a=%d x=%d\n", \$\$name, ppfunc(), int_arg(1), \$arg1)
}
probe process("$T/plt-noplt").plt("plt_seven").return { printf("ret %d\n", \$return) }
EOF
run_plain "$T/plt-noplt" "$N"
run_utap "$S" -c "$T/plt-noplt $N"
is "$UTAP_RC" 0 "script: exit status 0" || diag_file "$UTAP_ERR"
for f in $FUNCS; do
	is "$(grep -c "^hit $f $f " "$UTAP_OUT")" "$(grep '^count ' "$PLAIN_OUT" | field "$f")" \
		"script: \$\$name and ppfunc() name $f, once per call"
done
same_values "script: int_arg(1) of plt_add" "$(grep '^hit plt_add ' "$UTAP_OUT" | field a)" \
	"$(call_values "$PLAIN_OUT" plt_add a)"
same_values "script: \$arg1 of plt_tail" "$(grep '^hit plt_tail ' "$UTAP_OUT" | field x)" \
	"$(call_values "$PLAIN_OUT" plt_tail x)"
same_values "script: plt_seven's \$return" "$(grep '^ret ' "$UTAP_OUT" | awk '{ print $2 }')" \
	"$(call_values "$PLAIN_OUT" plt_seven ret)"

# Refused before anything starts: names of the callee's variables, unknown names.
run_utap "p $T/plt:plt_add@plt v=\$a" -- "$T/plt" 1
is "$UTAP_RC" 2 "\$a in a PLT probe: exit status 2"
ok "\$a in a PLT probe: says why" grep -q 'not variables by name' "$UTAP_ERR"
ok "\$a in a PLT probe: the program did not run" test ! -s "$UTAP_OUT"
run_utap "p $T/plt:nosuch@plt" -- "$T/plt" 1
is "$UTAP_RC" 2 "unknown PLT name: exit status 2"
ok "unknown PLT name: the hint lists what it calls" grep -q 'hint: it calls .*plt_add' "$UTAP_ERR"
run_utap -e "probe process(\"$T/plt\").plt(\"plt_add\") { println(\$\$parms) }" -c "$T/plt 1"
is "$UTAP_RC" 2 "script: \$\$parms in a PLT probe: exit status 2"
ok "script: \$\$parms in a PLT probe: says why" grep -q 'no DWARF of the called function' \
	"$UTAP_ERR"

# ltrace, where installed, for comparison only: it hooks PLT stubs, so it
# sees nothing of the -fno-plt build. Not a test of ltrace.
if command -v ltrace >/dev/null; then
	for v in plt plt-noplt; do
		timeout 20 ltrace -e 'plt_add+plt_seven+plt_tail+plt_len' -o "$TMP/ltrace.$v" \
			"$T/$v" "$N" >/dev/null 2>&1
		diag "ltrace saw $(cat "$TMP/ltrace.$v" 2>/dev/null | grep -c 'plt_') calls to plt_* in $v (the target made $((4 * N)); utap saw each, above)"
	done
else
	diag "ltrace is not installed: no comparison with it"
fi
done_testing
