#!/bin/bash
# signals.t: a target signalling itself K times while its functions (and its
# handler's) are probed: the handler runs exactly once per signal, under
# every step mode; no SIGTRAP of ours leaks to it. Then a SIGALRM storm, and
# the program's own SIGTRAPs.
. "$(dirname "$0")/lib.sh"
require_utap

K=25
# variant        step mode
CASES="
signals          auto
signals-O2       auto
signals          emulate
signals          xol
signals          singlestep
"
USR1=$(kill -l USR1)

while read -r v mode; do
	[ -n "$v" ] || continue
	UTAP_OPTS=(--step-mode="$mode")
	traced_same "$v $mode" \
		"p $T/$v:sig_work i=%0:s32" \
		"p $T/$v:on_signal sig=%0:s32" \
		"r $T/$v:sig_work ret=\$retval:s64" \
		-- "$T/$v" "$K"
	sent=$(out_values "$UTAP_OUT" signals sent)
	is "$(out_values "$UTAP_OUT" signals handled)" "$sent" \
		"$v $mode: handler ran once per signal"
	is "$(hit_count "$HITS" p0)" "$sent" "$v $mode: sig_work hit once per round"
	is "$(hit_count "$HITS" p1)" "$sent" "$v $mode: handler's call hit once per signal"
	is "$(hit_values "$HITS" p1 sig | sort -u)" "$USR1" \
		"$v $mode: the handler saw SIGUSR1"
done <<<"$CASES"

# A SIGALRM storm while probed code runs: signals land during step-overs.
STORM=300
for mode in auto emulate xol singlestep; do
	v=signals
	UTAP_OPTS=(--step-mode="$mode")
	traced_same "$v storm $mode" \
		"p $T/$v:sig_work i=%0:s32" \
		"p $T/$v:on_signal sig=%0:s32" \
		-- "$T/$v" storm "$STORM"
	ok "$v storm $mode: every result right" grep -q '^storm .* bad=0 ok$' "$UTAP_OUT"
	is "$(hit_count "$HITS" p0)" "$(out_values "$UTAP_OUT" '~ storm' calls)" \
		"$v storm $mode: every call hit once"
	is "$(hit_count "$HITS" p1)" "$(out_values "$UTAP_OUT" '~ storm' alarms)" \
		"$v storm $mode: every handled alarm hit once"
done

# The program's own SIGTRAPs (raise and its own int3) are its, not ours.
for mode in auto singlestep; do
	for v in signals signals-O2; do
		UTAP_OPTS=(--step-mode="$mode")
		traced_same "$v trap $mode" "p $T/$v:sig_work i=%0:s32" \
			-- "$T/$v" trap "$K"
		sent=$(out_values "$UTAP_OUT" traps sent)
		is "$(out_values "$UTAP_OUT" traps handled)" "$sent" \
			"$v trap $mode: every SIGTRAP reached the program's handler"
		is "$(hit_count "$HITS" p0)" "$sent" "$v trap $mode: every call hit once"
	done
done

# A probe inside the program's SIGTRAP handler, where SIGTRAP is blocked:
# the kernel answers an int3 there by resetting the handler to SIG_DFL
# (force_sig), so the program's next SIGTRAP would kill it unless utap
# undoes that.
UTAP_OPTS=()
traced_same "signals trap, probe in the SIGTRAP handler" \
	"p $T/signals:on_signal sig=%0:s32" -- "$T/signals" trap "$K"
sent=$(out_values "$PLAIN_OUT" traps sent)
is "$(hit_count "$HITS" p0)" "$sent" \
	"signals trap, probe in the SIGTRAP handler: hit once per SIGTRAP"

done_testing
