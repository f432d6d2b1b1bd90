#!/bin/bash
# usdt_sema.t: SDT markers guarded by semaphores. targets/usdt_sema.c fires its
# marker only while NAME_ENABLED() says so and prints, each round, whether it
# (and libusdtsema.so, dlopen()ed at round 1) saw the marker enabled. Untraced:
# always disabled. Probed: enabled, in the program and in the library loaded
# later, each hit with the arguments the target printed. After utap lets go
# (SIGINT, SIGTERM, a script's exit()): disabled again, and a count another
# tracer holds is kept.
. "$(dirname "$0")/lib.sh"
require_utap

P=$T/usdt_sema
L=$T/libusdtsema.so
N=5
S=$TMP/sema.stp
cat >"$S" <<EOF
probe process("$P").mark("tick") { printf("hit tick i=%d arg=%d\n", \$arg1, \$arg2) }
probe process("$L").mark("ping") { printf("hit ping i=%d\n", \$arg1) }
EOF

# ticks FILE STATE: "i=I arg=A" of the rounds whose main marker was STATE.
ticks() { grep -E "^tick .* main=$2 " "$1" | awk '{ print $2, $3 }'; }

run_plain "$P" "$N"
is "$PLAIN_RC" 0 "untraced: exit status 0"
is "$(grep -c '^tick ' "$PLAIN_OUT")" "$N" "untraced: $N rounds"
is "$(grep -c 'enabled' "$PLAIN_OUT")" 0 "untraced: never enabled"

# Launched: enabled from the first round, in the library from its first call.
rm -f "$HITS"
run_utap -o "$HITS" "$S" -c "$P $N"
is "$UTAP_RC" 0 "launched: exit status 0" || diag_file "$UTAP_ERR"
is "$(grep -c '^tick .* main=enabled ' "$UTAP_OUT")" "$N" "launched: the program's marker enabled every round"
is "$(grep -c '^tick .* lib=enabled$' "$UTAP_OUT")" "$((N - 1))" \
	"launched: the dlopen()ed library's marker enabled from its first call"
same_lines <(sed 's/=enabled/=disabled/g' "$UTAP_OUT") "$PLAIN_OUT" \
	"launched: the target's output is the untraced one but for enabled"
same_values "launched: one tick hit per enabled round, with its arguments" \
	"$(sed -n 's/^hit tick //p' "$HITS")" "$(ticks "$UTAP_OUT" enabled)"
same_values "launched: one ping hit per enabled round of the library" \
	"$(sed -n 's/^hit ping //p' "$HITS")" \
	"$(grep 'lib=enabled$' "$UTAP_OUT" | awk '{ print $2 }')"

why=$(attach_blocked)
if [ -n "$why" ]; then
	skip 20 "$why"
	done_testing
	exit
fi

# sema_addr PID: the address of the program's semaphore in process PID, from
# readelf's note and the program's first mapping (a PIE links at 0).
sema_addr()
{
	local vaddr base
	vaddr=$(readelf -n "$P" | sed -n 's/.*Semaphore: \(0x[0-9a-f]*\).*/\1/p' | head -n 1)
	base=$(awk -v p="$(readlink -f "$P")" '$6 == p && $3 == "00000000" { print $1; exit }' \
		"/proc/$1/maps")
	printf '%d' $((vaddr + 16#${base%%-*}))
}

# has_lines FILE N: FILE has N lines or more.
has_lines() { [ "$(wc -l <"$1")" -ge "$2" ]; }

# attach_case NAME SIG STATE SCRIPT [SETUP]: run usdt_sema, SETUP PID, attach
# SCRIPT, let go with SIGSIG (or, for SIG "-", let the script exit() by
# itself); STATE is what the target must say after the detach.
attach_case()
{
	local name=$1 sig=$2 state=$3 script=$4 out=$TMP/bg.$1 upid lines tpid
	start_bg "$out" "$P" 0 10
	tpid=$BG_PID
	wait_for "$out" '^tick i=2 ' || bail "usdt_sema did not start"
	[ -z "${5:-}" ] || "$5" "$tpid"
	rm -f "$TMP/hits.$name"
	timeout -k 5 "$UTAP_TIMEOUT" "$UTAP" -o "$TMP/hits.$name" "$script" -x "$tpid" \
		>"$UTAP_OUT" 2>"$UTAP_ERR" </dev/null &
	upid=$!
	_bg_pids+=("$upid")
	wait_for "$out" 'main=enabled lib=enabled$' 10
	[ "$sig" = - ] || kill "-$sig" "$upid"
	wait_exit "$upid" 20
	is "$BG_RC" 0 "attached, $name: utap detaches, exit status 0" || diag_file "$UTAP_ERR"
	ok "attached, $name: both markers enabled while attached" \
		grep -q 'main=enabled lib=enabled$' "$out"
	# Every round printed after utap's exit began after the detach, but
	# the first, which may have read the semaphores just before it.
	lines=$(wc -l <"$out")
	wait_until 10 has_lines "$out" $((lines + 4))
	is "$(tail -n +$((lines + 2)) "$out" | grep -vc "$state")" 0 \
		"attached, $name: every round after the detach says ${state%\$}"
	ok "attached, $name: the target runs on" kill -0 "$tpid"
	# each hit was a round that said enabled (the last may not have been hit)
	is "$(sed -n 's/^hit tick //p' "$TMP/hits.$name" | grep -Fxvf <(ticks "$out" enabled))" "" \
		"attached, $name: each tick hit is an enabled round, with its arguments"
	kill -TERM "$tpid"
	wait_exit "$tpid"
}

attach_case SIGINT INT "main=disabled lib=disabled$" "$S"
attach_case SIGTERM TERM "main=disabled lib=disabled$" "$S"
cat >"$TMP/exit.stp" <<EOF
global n
probe process("$P").mark("tick") { if (++n == 3) exit() }
probe process("$L").mark("ping") { }
EOF
attach_case "exit()" - "main=disabled lib=disabled$" "$TMP/exit.stp"

# Another tracer holds the program's semaphore (at 1): utap adds its own and
# takes only that back.
other_tracer()
{
	printf '\001\000' | dd of="/proc/$1/mem" bs=1 seek="$(sema_addr "$1")" conv=notrunc \
		status=none
}
attach_case "another tracer's count" INT "main=enabled lib=disabled$" "$S" other_tracer
done_testing
