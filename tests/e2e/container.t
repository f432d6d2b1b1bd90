#!/bin/bash
# container.t: a process whose root is elsewhere (a container's view, made
# with unshare -m and chroot) is traced from the host with the container's
# binary: a probe's absolute path is the path inside the container, which
# does not exist on the host; the basename and the host path work too.
. "$(dirname "$0")/lib.sh"
require_utap

[ "$(id -u)" = 0 ] || skip_all "needs root to chroot (the container stand-in)"
command -v unshare >/dev/null || skip_all "no unshare(1)"

CROOT=$TMP/root
INSIDE=/utap-container-app-$$	# a directory that exists only in the container
mkdir -p "$CROOT$INSIDE"
# Static, so the container needs no libraries.
cc -static -O0 -g -pthread -Itargets -o "$CROOT$INSIDE/longrun" "$ROOT/targets/longrun.c" 2>"$TMP/cc.err" ||
	skip_all "cannot link statically: $(head -n 1 "$TMP/cc.err")"
[ ! -e "$INSIDE" ] || bail "$INSIDE exists on the host"

start_bg "$TMP/lr.out" unshare -m chroot "$CROOT" "$INSIDE/longrun" 2
LR_PID=$BG_PID
wait_for "$TMP/lr.out" '^round=2 ' || bail "the contained longrun did not start"
# unshare and chroot exec in place: BG_PID is longrun itself
is "$(readlink "/proc/$LR_PID/root")" "$CROOT" "longrun runs with its own root"

for bin in "$INSIDE/longrun" longrun "$CROOT$INSIDE/longrun"; do
	rm -f "$HITS"
	run_utap --duration 1 -o "$HITS" -p "$LR_PID" "p $bin:step i=%0:s64"
	is "$UTAP_RC" 0 "probe '$bin:step': utap attaches and detaches" || diag_file "$UTAP_ERR"
	# every argument utap saw is one longrun printed (threads interleave,
	# so compare as sets)
	is "$(hit_values "$HITS" p0 i | sort -u | comm -23 - <(out_values "$TMP/lr.out" step i | sort -u) | head -n 3)" "" \
		"probe '$bin:step': every argument as longrun printed it"
	ok "probe '$bin:step': hits seen" test "$(hit_count "$HITS" p0)" -gt 0
done

kill -TERM "$LR_PID"
wait_exit "$LR_PID"
is "$BG_RC" 0 "the contained longrun exits 0"
is "$(grep -c BAD "$TMP/lr.out")" 0 "and computed every result right"
done_testing
