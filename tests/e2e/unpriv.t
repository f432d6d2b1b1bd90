#!/bin/bash
# unpriv.t: utap run as an unprivileged user (nobody) on that user's own
# programs, launched and attached; and refused (exit 2, a reason) on a
# process it may not trace.
. "$(dirname "$0")/lib.sh"
require_utap

NOBODY=65534
command -v setpriv >/dev/null || skip_all "setpriv not installed"
[ "$(id -u)" = 0 ] || skip_all "needs root to switch to uid $NOBODY"

# The checkout may not be readable by nobody: copy what is run.
D=$(mktemp -d "${TMPDIR:-/tmp}/utap-nobody.XXXXXX")
trap '_cleanup; rm -rf "$D"' EXIT
cp "$UTAP" "$T/calls" "$T/longrun" "$D/"
mkdir "$D/out"
chown "$NOBODY:$NOBODY" "$D/out"
chmod 755 "$D"

# An array, not a function: a backgrounded function would be a root subshell.
AS_NOBODY=(setpriv --reuid="$NOBODY" --regid="$NOBODY" --clear-groups)

# Launched.
run_plain "$D/calls" 5
timeout -k 5 "$UTAP_TIMEOUT" "${AS_NOBODY[@]}" "$D/utap" -o "$D/out/hits" \
	"p $D/calls:work i=%0:s32" "r $D/calls:work ret=\$retval:s64" \
	-- "$D/calls" 5 >"$UTAP_OUT" 2>"$UTAP_ERR" </dev/null
is "$?" 0 "nobody, launched: exit status 0" || diag_file "$UTAP_ERR"
same_lines "$UTAP_OUT" "$PLAIN_OUT" "nobody, launched: target output unchanged"
same_values "nobody, launched: every argument" \
	"$(hit_values "$D/out/hits" p0 i)" "$(out_values "$PLAIN_OUT" work i)"
same_values "nobody, launched: every return value" \
	"$(hit_values "$D/out/hits" r1 ret)" "$(out_values "$PLAIN_OUT" work ret)"

# Attached to nobody's own longrun.
attach_nobody()
{
	start_bg "$D/out/lr.out" "${AS_NOBODY[@]}" "$D/longrun"
	LR_PID=$BG_PID
	wait_for "$D/out/lr.out" '^round=1 ' || bail "longrun did not start"
	timeout -k 5 "$UTAP_TIMEOUT" "${AS_NOBODY[@]}" "$D/utap" --duration 1 -o "$D/out/hits2" \
		"p $D/longrun:step i=%0:s64" -p "$LR_PID" \
		>"$UTAP_OUT" 2>"$UTAP_ERR" </dev/null
	is "$?" 0 "nobody, attached: exit status 0" || diag_file "$UTAP_ERR"
	ok "nobody, attached: hits reported" grep -q ' p0: ' "$D/out/hits2"
	kill -TERM "$LR_PID"
	wait_exit "$LR_PID" 10
	is "$BG_RC" 0 "nobody, attached: longrun exits 0"
	ok "nobody, attached: longrun's results all ok" grep -q '^done .* bad=0$' "$D/out/lr.out"
}
why=$(attach_blocked $NOBODY)
if [ -z "$why" ]; then
	attach_nobody
else
	skip 4 "$why"
fi

# Refused: root's process.
start_bg "$TMP/root-lr.out" "$D/longrun"
ROOT_PID=$BG_PID
wait_for "$TMP/root-lr.out" '^round=1 ' || bail "longrun did not start"
timeout -k 5 "$UTAP_TIMEOUT" "${AS_NOBODY[@]}" "$D/utap" --duration 1 "p $D/longrun:step" -p "$ROOT_PID" \
	>"$UTAP_OUT" 2>"$UTAP_ERR" </dev/null
is "$?" 2 "nobody on root's process: exit status 2"
is "$(grep -c '^utap:' "$UTAP_ERR")" 1 "nobody on root's process: one 'utap:' line" ||
	diag_file "$UTAP_ERR"
ok "nobody on root's process: untouched" kill -0 "$ROOT_PID"
kill -TERM "$ROOT_PID"
wait_exit "$ROOT_PID" 10
is "$BG_RC" 0 "root's longrun exits 0"
done_testing
