#!/bin/bash
# badinput.t: bad probes, options, binaries, PIDs: exit status 2, one
# "utap: ..." line saying what and where, and the target never started.
. "$(dirname "$0")/lib.sh"
require_utap

C=$T/calls

# A pid nobody has: the highest free one below pid_max.
free_pid()
{
	local p=$(($(cat /proc/sys/kernel/pid_max) - 1))
	while [ -e "/proc/$p" ]; do
		p=$((p - 1))
	done
	echo "$p"
}
NOPID=$(free_pid)
INSIDE=$("$T/insns" --probes | sed -n 's/^inside //p')

# check_case DESC REGEX UTAP-ARGS...: utap refuses, its message matches
# REGEX (grep -Ei), and the target printed nothing.
check_case()
{
	local desc=$1 want=$2
	shift 2
	run_utap "$@"
	is "$UTAP_RC" 2 "$desc: exit status 2" || diag_file "$UTAP_ERR"
	is "$(grep -c '^utap:' "$UTAP_ERR")" 1 "$desc: one 'utap:' line"
	if grep -Eiq "$want" "$UTAP_ERR"; then
		pass "$desc: the message says /$want/"
	else
		fail "$desc: the message says /$want/"
		diag_file "$UTAP_ERR"
	fi
	is "$(cat "$UTAP_OUT")" "" "$desc: target not started (no output)"
}

check_case "unknown register" '%zz|register' \
	"p $C:work x=%zz" -- "$C" 1
check_case "unknown type" 'u7|type' \
	"p $C:work x=%0:u7" -- "$C" 1
check_case "\$retval at an entry" 'retval' \
	"p $C:work r=\$retval" -- "$C" 1
check_case "unknown probe kind" 'kind|x ' \
	"x $C:work" -- "$C" 1
check_case "missing ':' in the probe" 'sym|:' \
	"p $C" -- "$C" 1
check_case "probe binary missing" 'no/such/prog' \
	"p /no/such/prog:work" -- "$C" 1
check_case "command missing" 'no/such/cmd' \
	"p $C:work" -- /no/such/cmd 1
check_case "unknown symbol, with a suggestion" 'did you mean work' \
	"p $C:wrok" -- "$C" 1
check_case "unknown symbol in a library" 'nosuchfunction|libc' \
	"p libc:nosuchfunction" -- "$C" 1
check_case "offset inside an instruction" 'instruction|boundary' \
	"p $T/insns:$INSIDE" -- "$T/insns" 1
check_case "non-existent PID" "$NOPID|process|pid" \
	"p $C:work" -p "$NOPID"
check_case "no probe" 'probe' \
	-- "$C" 1
check_case "unknown option" 'bogus' \
	--bogus "p $C:work" -- "$C" 1
check_case "unknown step mode" 'fast|step' \
	--step-mode=fast "p $C:work" -- "$C" 1
check_case "no command and no PID" 'command|pid|-p' \
	"p $C:work"
check_case "-o into a missing directory" 'no/such/dir' \
	-o /no/such/dir/hits "p $C:work" -- "$C" 1
check_case "--duration not a number" 'duration|abc' \
	--duration abc "p $C:work" -- "$C" 1
check_case "-p not a number" 'pid|abc|-p' \
	"p $C:work" -p abc
check_case "both a command and a PID" 'command|pid|-p|both' \
	-p "$$" "p $C:work" -- "$C" 1
done_testing
