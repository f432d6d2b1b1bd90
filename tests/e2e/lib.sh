# lib.sh: TAP output and helpers shared by the end-to-end tests (sourced, not run).
#
# The target is the oracle: every expected value comes from what a target
# prints about itself, untraced and traced; nothing is hard-coded here.
# Targets print process ids as pid=N and put run-dependent details on lines
# starting with "~ "; comparisons mask the former and drop the latter.
# Time only bounds waits (a hang fails), it never passes or fails a test on
# its own.

set -u

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$E2E_DIR/../.." && pwd)
UTAP=${UTAP:-$ROOT/utap}
T=${UTAP_TARGETS:-$ROOT/build/targets}
UTAP_TIMEOUT=${UTAP_TIMEOUT:-30}	# per run; a script bails after 3 timeouts
TMP=$(mktemp -d "${TMPDIR:-/tmp}/utap-e2e.XXXXXX")
UTAP_OUT=$TMP/utap.out		# utap's stdout: the target's own output (with -o)
UTAP_ERR=$TMP/utap.err
UTAP_RC=0
PLAIN_OUT=$TMP/plain.out
PLAIN_ERR=$TMP/plain.err
PLAIN_RC=0
HITS=$TMP/hits			# the -o file of the last traced run
BG_PID=				# set by start_bg
BG_RC=				# set by wait_exit
UTAP_OPTS=()			# extra options for traced_same
_tap_n=0
_tap_failed=0
_timeouts=0
_bg_pids=()

_cleanup()
{
	local pid

	for pid in "${_bg_pids[@]}"; do
		kill -KILL "$pid" 2>/dev/null
	done
	if [ -n "${KEEP:-}" ]; then
		echo "# kept $TMP" >&2
	else
		rm -rf "$TMP"
	fi
}
trap _cleanup EXIT

# ---- TAP --------------------------------------------------------------------

plan() { echo "1..$1"; }
done_testing() { echo "1..$_tap_n"; [ "$_tap_failed" = 0 ]; }
diag() { local l; for l in "$@"; do printf '# %s\n' "$l" >&2; done; }
# diag_file FILE [LINES]: show the head of a file under a failure.
diag_file()
{
	[ -s "$1" ] || { diag "($1 is empty)"; return; }
	head -n "${2:-10}" "$1" | sed 's/^/#   /' >&2
}
pass() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $*"; }
fail()
{
	_tap_n=$((_tap_n + 1))
	_tap_failed=$((_tap_failed + 1))
	echo "not ok $_tap_n - $*"
}
# ok DESC CMD...: passes when CMD succeeds.
ok()
{
	local desc=$1
	shift
	if "$@"; then pass "$desc"; else fail "$desc"; return 1; fi
}
# is GOT WANT DESC
is()
{
	if [ "$1" = "$2" ]; then
		pass "$3"
	else
		fail "$3"
		diag "got:  '$1'" "want: '$2'"
		return 1
	fi
}
# same_lines GOT_FILE WANT_FILE DESC: files equal, with a diff on failure.
same_lines()
{
	if cmp -s "$1" "$2"; then
		pass "$3"
	else
		fail "$3"
		diff "$2" "$1" | head -n 20 | sed 's/^/#   /' >&2
		return 1
	fi
}
# skip N REASON: N tests skipped, each with the reason.
skip()
{
	local i
	for ((i = 0; i < $1; i++)); do
		_tap_n=$((_tap_n + 1))
		echo "ok $_tap_n # SKIP $2"
	done
}
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
bail() { echo "Bail out! $*"; exit 255; }

# Every test needs ./utap and the targets; say which is missing.
require_utap()
{
	[ -x "$UTAP" ] || skip_all "$UTAP not built (make utap)"
	[ -x "$T/calls" ] || bail "targets not built in $T (make targets)"
}

# attach_blocked [UID]: why a process of UID (default: us) cannot attach to
# a process it did not start; empty when it can.
attach_blocked()
{
	local uid=${1:-$(id -u)} scope
	scope=$(cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null || echo 0)
	if [ "$scope" -ge 3 ]; then
		echo "Yama ptrace_scope=$scope forbids attaching"
	elif [ "$scope" -ge 1 ] && [ "$uid" != 0 ]; then
		echo "Yama ptrace_scope=$scope: uid $uid may not attach to a non-descendant"
	fi
}

# ---- running ----------------------------------------------------------------

# run_utap ARGS...: utap with a timeout; stdout, stderr, status in
# UTAP_OUT, UTAP_ERR, UTAP_RC.
run_utap()
{
	local start=$SECONDS
	{ timeout -k 5 "$UTAP_TIMEOUT" "$UTAP" "$@" >"$UTAP_OUT" 2>"$UTAP_ERR" </dev/null; } 2>/dev/null
	UTAP_RC=$?
	if ((UTAP_RC >= 124 && SECONDS - start >= UTAP_TIMEOUT)); then
		_timeouts=$((_timeouts + 1))
		diag "utap timed out after ${UTAP_TIMEOUT}s: utap $*"
		[ "$_timeouts" -lt 3 ] || bail "utap timed out 3 times; giving up on $0"
	fi
	return 0
}

# run_plain CMD...: the target alone, same timeout; PLAIN_OUT/ERR/RC.
run_plain()
{
	# The braces catch bash's "Segmentation fault" notes for killed targets.
	{ timeout -k 5 "$UTAP_TIMEOUT" "$@" >"$PLAIN_OUT" 2>"$PLAIN_ERR" </dev/null; } 2>/dev/null
	PLAIN_RC=$?
	return 0
}

# mask FILE: the file with process ids masked and "~ " lines dropped, for
# comparing runs.
mask() { sed -E '/^~ /d; s/(pid|tid)=[0-9]+/\1=N/g' "$1"; }

# traced_same DESC PROBE... -- CMD ARGS...: runs CMD untraced, then under
# utap $UTAP_OPTS -o $HITS PROBE...; checks that the exit status and the
# target's own output are the same. Two tests. Hits are left in $HITS.
traced_same()
{
	local desc=$1 probes=() rc=0
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		probes+=("$1")
		shift
	done
	shift
	run_plain "$@"
	rm -f "$HITS"
	run_utap "${UTAP_OPTS[@]}" -o "$HITS" "${probes[@]}" -- "$@"
	is "$UTAP_RC" "$PLAIN_RC" "$desc: exit status passed through" || {
		rc=1
		diag "utap stderr:"
		diag_file "$UTAP_ERR"
	}
	mask "$PLAIN_OUT" >"$TMP/plain.masked"
	mask "$UTAP_OUT" >"$TMP/traced.masked"
	same_lines "$TMP/traced.masked" "$TMP/plain.masked" \
		"$desc: target output unchanged" || rc=1
	[ -f "$HITS" ] || : >"$HITS"
	return $rc
}

# start_bg OUT CMD...: CMD in the background, stdout to OUT; BG_PID.
# Killed at exit if still running.
start_bg()
{
	local out=$1
	shift
	"$@" >"$out" 2>&1 </dev/null &
	BG_PID=$!
	_bg_pids+=("$BG_PID")
}

# wait_for FILE REGEX [SECS]: until a line of FILE matches (a bound, not a test).
wait_for()
{
	local i limit=$((${3:-10} * 20))
	for ((i = 0; i < limit; i++)); do
		grep -Eq "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	diag "timed out waiting for /$2/ in $1"
	return 1
}

# wait_until SECS CMD...: until CMD succeeds (a bound, not a test).
wait_until()
{
	local i limit=$(($1 * 20))
	shift
	for ((i = 0; i < limit; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	diag "timed out waiting for: $*"
	return 1
}

# wait_exit PID [SECS]: wait for a background child; its status in BG_RC.
wait_exit()
{
	local i limit=$((${2:-10} * 20))
	for ((i = 0; i < limit; i++)); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$1" 2>/dev/null; then
		diag "pid $1 still running after ${2:-10}s"
		BG_RC=timeout
		return 1
	fi
	wait "$1"
	BG_RC=$?
	# Reaped: its pid may be reused, so cleanup must not kill it any more.
	local pid left=()
	for pid in "${_bg_pids[@]}"; do
		[ "$pid" = "$1" ] || left+=("$pid")
	done
	_bg_pids=("${left[@]}")
}

# file_offset BIN FUNC: FUNC's file offset in BIN (decimal), from nm and
# the program headers, computed independently of utap.
file_offset()
{
	local va type off vaddr paddr fsz rest
	va=$(nm "$1" | awk -v f="$2" '$3 == f { print $1; exit }')
	[ -n "$va" ] || return 1
	va=$((16#$va))
	while read -r type off vaddr paddr fsz rest; do
		[ "$type" = LOAD ] || continue
		if ((va >= vaddr && va < vaddr + fsz)); then
			echo $((va - vaddr + off))
			return 0
		fi
	done < <(readelf -lW "$1")
	return 1
}

# ---- reading utap's hit lines -------------------------------------------------

# hits FILE [PROBE]: each hit of PROBE (all when omitted) as one line
#   probe=p0 tid=123 cpu=- loc=work+0x0/0x2a i=3 a=7
# from "COMM-TID [CPU] SECS.USECS: p0: (work+0x0/0x2a) i=3 a=7".
hits()
{
	awk -v want="${2:-}" '
	{
		for (p = 3; p <= NF; p++)
			if ($p ~ /^[pr][0-9]+:$/ && $(p - 1) ~ /^[0-9]+\.[0-9]+:$/)
				break
		if (p > NF)
			next
		name = substr($p, 1, length($p) - 1)
		if (want != "" && name != want)
			next
		t = p - 2
		cpu = "-"
		if ($t ~ /^\[[0-9]+\]$/) {
			cpu = substr($t, 2, length($t) - 2) + 0
			t--
		}
		tid = $t
		sub(/.*-/, "", tid)
		loc = ""
		for (q = p + 1; q <= NF; q++) {
			loc = loc (loc == "" ? "" : " ") $q
			if ($q ~ /\)$/)
				break
		}
		gsub(/^\(|\)$/, "", loc)
		gsub(/ /, "_", loc)
		line = "probe=" name " tid=" tid " cpu=" cpu " loc=" loc
		for (q++; q <= NF; q++)
			line = line " " $q
		print line
	}' "$1"
}

# hit_count FILE PROBE
hit_count() { hits "$1" "$2" | wc -l | tr -d ' '; }

# field KEY: from key=value lines on stdin, the values of KEY, one per line.
field()
{
	awk -v key="$1" '{
		for (i = 1; i <= NF; i++)
			if (index($i, key "=") == 1) {
				print substr($i, length(key) + 2)
				break
			}
	}'
}

# hit_values FILE PROBE KEY: the values of KEY in PROBE's hits, in order.
hit_values() { hits "$1" "$2" | field "$3"; }

# out_values FILE WORD KEY: from the target's lines starting with WORD,
# the values of KEY, in order.
out_values() { grep -E "^$2( |$)" "$1" | field "$3"; }

# same_values DESC GOT WANT: two newline lists, equal and not empty.
same_values()
{
	if [ -z "$3" ]; then
		fail "$1"
		diag "nothing to compare with: the target printed no values"
		return 1
	fi
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1"
		diag "got $(printf '%s\n' "$2" | grep -c .) values:" \
			"$(printf '%s\n' "$2" | head -n 8 | tr '\n' ' ')" \
			"want $(printf '%s\n' "$3" | grep -c .):" \
			"$(printf '%s\n' "$3" | head -n 8 | tr '\n' ' ')"
		return 1
	fi
}
