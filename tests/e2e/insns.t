#!/bin/bash
# insns.t: one probe on every instruction kind the step-over engine handles
# (insns lists them), under every --step-mode: the program's output is
# unchanged, every probe is hit once per round, return values are right.
. "$(dirname "$0")/lib.sh"
require_utap

N=3
MODES="auto emulate xol singlestep"
VARIANTS="insns insns-nopie"

# probes_of NAME: the probe list, entries first ("p0" ...), then returns.
probes_of()
{
	local bin=$T/$1
	"$bin" --probes | awk -v bin="$bin" '
		$1 == "entry" { print "p " bin ":" $2 }
		$1 == "return" { print "r " bin ":" $2 " ret=$retval:s64" }'
}

# check_maybe NAME MODE SYM: refused cleanly (exit 2, one "utap:" line, the
# target not started) or traced right (output unchanged, hit every round).
check_maybe()
{
	local name=$1 mode=$2 sym=$3
	run_plain "$T/$name" "$N"
	run_utap --step-mode="$mode" -o "$HITS" "p $T/$name:$sym" -- "$T/$name" "$N"
	if [ "$UTAP_RC" = 2 ]; then
		is "$(grep -c '^utap:' "$UTAP_ERR")/$(wc -c <"$UTAP_OUT")" 1/0 \
			"$name $mode: $sym refused cleanly"
	else
		mask "$PLAIN_OUT" >"$TMP/plain.masked"
		mask "$UTAP_OUT" >"$TMP/traced.masked"
		if cmp -s "$TMP/plain.masked" "$TMP/traced.masked" &&
			[ "$(hit_count "$HITS" p0)" = "$N" ]; then
			pass "$name $mode: $sym traced right"
		else
			fail "$name $mode: $sym neither refused nor traced right"
			diag "exit $UTAP_RC, $(hit_count "$HITS" p0) hits"
			diag_file "$UTAP_ERR"
		fi
	fi
}

# check_run NAME MODE: hit counts and return values against the output.
check_run()
{
	local name=$1 mode=$2 i=0 kind sym bad_count="" bad_ret="" want got
	while read -r kind sym; do
		case $kind in
		entry | return) ;;
		*) continue ;;
		esac
		[ "$kind" = entry ] && probe=p$i || probe=r$i
		i=$((i + 1))
		got=$(hit_count "$HITS" "$probe")
		[ "$got" = "$N" ] || bad_count="$bad_count $probe($sym)=$got"
		if [ "$kind" = return ]; then
			want=$(grep "^call $sym " "$PLAIN_OUT" | field ret)
			got=$(hit_values "$HITS" "$probe" ret)
			[ "$got" = "$want" ] ||
				bad_ret="$bad_ret $sym:[${got//$'\n'/ }]!=[${want//$'\n'/ }]"
		fi
	done < <("$T/$name" --probes)
	is "${bad_count# }" "" "$name $mode: every probe hit once per round ($N)"
	is "${bad_ret# }" "" "$name $mode: every return value as the target printed"
}

for v in $VARIANTS; do
	mapfile -t PROBES < <(probes_of "$v")
	for mode in $MODES; do
		UTAP_OPTS=(--step-mode="$mode")
		traced_same "$v $mode" "${PROBES[@]}" -- "$T/$v" "$N"
		check_run "$v" "$mode"
		ok "$v $mode: syscalls still returned our pid" \
			grep -q ' getpid=same' "$UTAP_OUT"
		for sym in $("$T/$v" --probes | sed -n 's/^maybe //p'); do
			check_maybe "$v" "$mode" "$sym"
		done
	done
done
done_testing
