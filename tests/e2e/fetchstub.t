#!/bin/bash
# fetchstub.t: one-liners whose fetches read memory ($r->id, +8(%di),
# strings, stack arguments), which utap may copy with its fetch stub inside
# the tracee. Every case runs with the stub (the default) and with
# UTAP_FETCH_STUB=off (process_vm_readv at the hit): the values are those
# fetchstub prints of each call, its own output is unchanged, and both ways
# print the same lines (timestamps and tids masked) in the same order. Cases:
# changing values (also pinned to one CPU and moving between CPUs), bad
# pointers, a signal storm, 40 threads (more than the stub's slots), fork,
# exec, a hit before a long sleep, attach, detach in the middle of a run,
# and -v's "fetch stub:" line.
. "$(dirname "$0")/lib.sh"
require_utap

FS=$T/fetchstub
[ -x "$FS" ] && [ -x "$FS-O2" ] || bail "fetchstub targets not built in $T"
declare -A OFF
for kv in $("$FS" layout); do
	OFF[${kv%%=*}]=${kv#*=}
done
LINE=$(grep -n 'LINE-STUB' "$ROOT/targets/fetchstub.c" | cut -d: -f1)
[ -n "$LINE" ] || bail "no LINE-STUB marker in targets/fetchstub.c"

# The keys are those of the target's "call" lines, in their order.
entry() { echo "p $1:handle"' t=$thread i=$seq id=$r->id qty=$r->qty label=$r->label tag=$tag s6=$s6 s7=$s7'; }
# The same memory by raw offsets: +OFF(%di), the string at %si, %6 %7 from the stack.
raw() { echo "p $1:handle id=+${OFF[id]}(%di):s32 qty=+${OFF[qty]}(%di):s64 tag=+0(%si):string s6=%6:s64 s7=%7:s64"; }
# A statement site: the line returning the sum, $sum a local in the frame.
stmt() { echo "p $1:fetchstub.c:$LINE"' ret=$sum id=$r->id tag=$tag'; }

# stub on|off: the way the next runs fetch.
stub()
{
	MODE=$1
	if [ "$1" = off ]; then export UTAP_FETCH_STUB=off; else unset UTAP_FETCH_STUB; fi
}

# want FILE [KEYS]: the target's call lines in FILE (with their "~ " when
# the run prints them so), as the p0 hit shows them, or only KEYS.
want()
{
	sed -nE 's/^(~ )?call //p' "$1" | sed 's/ ret=\([^ ]*\) pid=.*/ ret=\1/' |
		awk -v keys="${2:-t i id qty label tag s6 s7}" '
		BEGIN { n = split(keys, k, " ") }
		{
			line = ""
			for (j = 1; j <= n; j++)
				for (f = 1; f <= NF; f++)
					if (index($f, k[j] "=") == 1)
						line = line (line == "" ? "" : " ") $f
			print line
		}'
}
# got FILE PROBE: the values of PROBE's hits, in order.
got() { hits "$1" "$2" | cut -d' ' -f5-; }
# masked FILE: hit lines without timestamps and tids.
masked() { sed -E 's/^(.+)-[0-9]+ (\[[0-9]+\] )?[0-9]+\.[0-9]+: /\1-TID TIME: /' "$1"; }

# check_values NAME [PROBES]: the hits of each probe of PROBES (a comma
# list of entry, raw, stmt: p0, p1, ... in that order; default entry) as
# the target printed its calls; the masked hits kept in $TMP/NAME.MODE for
# the comparison of the two ways.
check_values()
{
	local name="$1 ($MODE)" kind n=0
	for kind in $(echo "${2:-entry}" | tr , ' '); do
		case $kind in
		entry)	same_values "$name: every hit's values, in order" \
				"$(got "$HITS" p$n)" "$(want "$UTAP_OUT")" ;;
		raw)	same_values "$name: raw fetches, in order" \
				"$(got "$HITS" p$n)" "$(want "$UTAP_OUT" "id qty tag s6 s7")" ;;
		stmt)	same_values "$name: statement site, in order" \
				"$(got "$HITS" p$n)" "$(want "$UTAP_OUT" "ret id tag")" ;;
		esac
		n=$((n + 1))
	done
	masked "$HITS" >"$TMP/$1.$MODE"
}

# same_as_off NAME: the stub printed exactly what the old path printed.
same_as_off()
{
	same_lines "$TMP/$1.on" "$TMP/$1.off" \
		"$1: stub on prints the lines UTAP_FETCH_STUB=off prints, in order"
}

# Utap on CPU 0, for the cases that pin it (the target inherits it).
UTAP_REAL=$UTAP
printf '#!/bin/sh\nexec taskset -c 0 "%s" "$@"\n' "$UTAP_REAL" >"$TMP/utap-cpu0"
chmod +x "$TMP/utap-cpu0"
CPU1=
if [ "$(nproc)" -lt 2 ]; then
	CPU1="one CPU only"
elif ! taskset -c 1 true 2>/dev/null || ! taskset -c 0 true 2>/dev/null; then
	CPU1="cannot run on CPUs 0 and 1 (cpuset)"
fi

# ---- 1. changing values: plain, -O2, pinned, moving between CPUs ----------

# name      utap          binary        arguments       probes
CASES="
calls       plain         fetchstub     calls_24        entry,raw,stmt
calls-O2    plain         fetchstub-O2  calls_24        entry,raw
pinned      cpu0          fetchstub     calls_24        entry
moved       cpu0          fetchstub     calls_24_move   entry
"
while read -r name how bin args probes; do
	[ -n "$name" ] || continue
	if [ "$how" = cpu0 ] && [ -n "$CPU1" ]; then
		skip 1 "$name: $CPU1"
		continue
	fi
	for mode in on off; do
		stub "$mode"
		[ "$how" = cpu0 ] && UTAP=$TMP/utap-cpu0
		P=()
		for p in ${probes//,/ }; do P+=("$("$p" "$T/$bin")"); done
		traced_same "$name ($MODE)" "${P[@]}" -- "$T/$bin" ${args//_/ }
		UTAP=$UTAP_REAL
		check_values "$name" "$probes"
	done
	same_as_off "$name"
	[ "$name" = moved ] && ok "moved: the target ran on every CPU it asked for" \
		grep -q '^moves ok$' "$UTAP_OUT"
done <<<"$CASES"

# ---- 2. bad pointers: NULL, unmapped, a string running into a hole --------

for mode in on off; do
	stub "$mode"
	traced_same "faults ($MODE)" "$(entry "$FS")" "$(raw "$FS")" -- "$FS" faults
	check_values faults entry,raw
	ok "faults ($MODE): the target saw no SIGSEGV" grep -q '^faults .* segv=0 ok$' "$UTAP_OUT"
done
same_as_off faults

# ---- 3. a signal storm: SIGALRM and SIGUSR1 every ~100 us ----------------

K=300
# storm_common FILE CALLS: the masked hits both ways must have: the main
# loop's first CALLS calls in order, then each signal's first K handler
# calls (which signal came when differs from run to run).
storm_common()
{
	local sel='{ t = i = -1
		    for (f = 1; f <= NF; f++) {
			if ($f ~ /^t=/) t = substr($f, 3) + 0
			if ($f ~ /^i=/) i = substr($f, 3) + 0
		    } }'
	masked "$1" | awk -v calls="$2" "$sel"' t == 0 && i < calls'
	masked "$1" | awk -v k="$K" "$sel"' t > 0 && i < k' | sort
}
declare -A STORM_CALLS
for mode in on off; do
	stub "$mode"
	traced_same "storm ($MODE)" "$(entry "$FS")" -- "$FS" storm "$K"
	ok "storm ($MODE): every result right" grep -q "^storm .* bad=0 ok$" "$UTAP_OUT"
	same_values "storm ($MODE): the main loop's hits, in order" \
		"$(got "$HITS" p0 | grep '^t=0 ')" "$(want "$UTAP_OUT" | grep '^t=0 ')"
	same_values "storm ($MODE): the handlers' hits, in order" \
		"$(got "$HITS" p0 | grep -v '^t=0 ')" "$(want "$UTAP_OUT" | grep -v '^t=0 ')"
	cp "$HITS" "$TMP/storm.hits.$mode"
	STORM_CALLS[$mode]=$(out_values "$UTAP_OUT" '~ storm' calls | grep . || echo 0)
done
c=${STORM_CALLS[on]}
[ "${STORM_CALLS[off]}" -lt "$c" ] && c=${STORM_CALLS[off]}
storm_common "$TMP/storm.hits.on" "$c" >"$TMP/storm.on"
storm_common "$TMP/storm.hits.off" "$c" >"$TMP/storm.off"
same_as_off storm

# ---- 4. 40 threads at once: more than the stub's 32 slots -----------------

NT=40
for mode in on off; do
	stub "$mode"
	traced_same "threads ($MODE)" "$(entry "$FS")" -- "$FS" threads "$NT" 40
	ok "threads ($MODE): every result right" grep -q "^threads=$NT .* bad=0$" "$UTAP_OUT"
	# Each thread's hits in its order (a stable sort by t keeps it).
	same_values "threads ($MODE): every hit's values, in each thread's order" \
		"$(got "$HITS" p0 | sed 's/^t=\([0-9]*\) /\1 &/' | sort -s -n -k1,1 | cut -d' ' -f2-)" \
		"$(want "$UTAP_OUT")"
	is "$(hit_values "$HITS" p0 tid | sort -u | wc -l)" "$NT" \
		"threads ($MODE): hits from $NT tids"
	is "$(hits "$HITS" p0 | awk '{ print $2, $5 }' | sort -u | wc -l)" "$NT" \
		"threads ($MODE): each thread's calls from its own tid"
	masked "$HITS" | sort >"$TMP/threads.$mode"
done
same_as_off threads

# ---- 6. fork: the child followed with -f, left alone without -----------------

for mode in on off; do
	stub "$mode"
	UTAP_OPTS=()
	traced_same "fork ($MODE)" "$(entry "$FS")" -- "$FS" fork 3
	parent=$(grep -m1 '^call ' "$UTAP_OUT" | sed 's/.* pid=//')
	same_values "fork ($MODE): the parent's hits, in order" "$(got "$HITS" p0)" \
		"$(grep " pid=$parent\$" "$UTAP_OUT" | want /dev/stdin)"
	is "$(hit_values "$HITS" p0 tid | sort -u)" "$parent" "fork ($MODE): no hit from the child"
	is "$(out_values "$UTAP_OUT" '~ child' fetch-maps)" 0 \
		"fork ($MODE): the unfollowed child has no utap-fetch mapping"
	masked "$HITS" >"$TMP/fork.$mode"
	UTAP_OPTS=(-f)
	traced_same "fork -f ($MODE)" "$(entry "$FS")" -- "$FS" fork 3
	check_values fork-f
	parent=$(grep -m1 '^call ' "$UTAP_OUT" | sed 's/.* pid=//')
	for pid in $(sed -n 's/^call .* pid=//p' "$UTAP_OUT" | sort -u); do
		role=child
		[ "$pid" = "$parent" ] && role=parent
		same_values "fork -f ($MODE): the $role's hits, from its pid, in order" \
			"$(hits "$HITS" p0 | grep " tid=$pid " | cut -d' ' -f5-)" \
			"$(grep " pid=$pid\$" "$UTAP_OUT" | want /dev/stdin)"
	done
	UTAP_OPTS=()
done
same_as_off fork
same_as_off fork-f

# ---- 7. exec: the program runs itself again and is traced on --------------

for mode in on off; do
	stub "$mode"
	traced_same "exec ($MODE)" "$(entry "$FS")" "$(raw "$FS")" -- "$FS" exec 4
	ok "exec ($MODE): the exec'd program ran" grep -q '^after exec calls=4 bad=0$' "$UTAP_OUT"
	check_values exec entry,raw
done
same_as_off exec

# ---- 8. idle: the hit line is out while the program sleeps ---------------

run_plain "$FS" idle 0
for mode in on off; do
	stub "$mode"
	rm -f "$HITS"
	start_bg "$TMP/idle.out" "$UTAP" -o "$HITS" "$(entry "$FS")" -- "$FS" idle 20
	upid=$BG_PID
	wait_for "$TMP/idle.out" '^idle pid=' 10
	tpid=$(out_values "$TMP/idle.out" idle pid)
	wait_for "$HITS" ' p0: ' 10
	ok "idle ($MODE): the hit is written while the program sleeps" \
		eval 'grep -q " p0: " "$HITS" && ! grep -q "^woke" "$TMP/idle.out"'
	[ -n "$tpid" ] && kill -USR2 "$tpid"
	wait_exit "$upid" 20
	is "$BG_RC" 0 "idle ($MODE): the program exits 0 when woken"
	same_lines <(mask "$TMP/idle.out") <(mask "$PLAIN_OUT") "idle ($MODE): target output unchanged"
	cp "$TMP/idle.out" "$UTAP_OUT"
	check_values idle
done
same_as_off idle

# ---- 9. attach to a waiting program, then it calls ------------------------

# planted PID: handle()'s first byte in memory differs from the file's.
planted()
{
	local off range perms pg rest start addr
	off=$(file_offset "$FS" handle) || return 1
	while read -r range perms pg rest; do
		[ "${rest##* }" = "$FS" ] || continue
		start=$((16#${range%-*}))
		pg=$((16#$pg))
		if ((off >= pg && off < pg + 16#${range#*-} - start)); then
			addr=$((start + off - pg))
			break
		fi
	done <"/proc/$1/maps"
	[ -n "${addr:-}" ] || return 1
	[ "$(dd if="/proc/$1/mem" bs=1 count=1 skip="$addr" iflag=skip_bytes 2>/dev/null | od -An -tx1)" != \
	  "$(dd if="$FS" bs=1 count=1 skip="$off" iflag=skip_bytes 2>/dev/null | od -An -tx1)" ]
}

why=$(attach_blocked)
for mode in on off; do
	stub "$mode"
	if [ -n "$why" ]; then
		skip 4 "attach: $why"
		continue
	fi
	rm -f "$HITS"
	start_bg "$TMP/wait.out" "$FS" wait 30
	tpid=$BG_PID
	wait_for "$TMP/wait.out" '^ready ' 10
	# wait_exit bounds the wait (and cleanup kills what is left).
	"$UTAP" -o "$HITS" -p "$tpid" "$(entry "$FS")" >/dev/null 2>"$UTAP_ERR" </dev/null &
	upid=$!
	_bg_pids+=("$upid")
	wait_until 10 planted "$tpid"
	kill -USR2 "$tpid"
	wait_exit "$tpid" 20
	is "$BG_RC" 0 "attach ($MODE): the program exits 0"
	ok "attach ($MODE): every result right" grep -q '^done calls=30 bad=0$' "$TMP/wait.out"
	wait_exit "$upid" "$UTAP_TIMEOUT"
	is "$BG_RC" 0 "attach ($MODE): utap ends with the program" || diag_file "$UTAP_ERR"
	cp "$TMP/wait.out" "$UTAP_OUT"
	check_values attach
done
if [ -n "$why" ]; then skip 1 "attach: $why"; else same_as_off attach; fi

# ---- 5. detach with SIGINT in the middle of a busy run -----------------------

# hits_vs_calls HITS OUT: each hit's values against the call line of the
# same i; the i's one run with no gap.
hits_vs_calls()
{
	awk 'NR == FNR { if ($1 == "call") { line = $0; sub(/^call /, "", line)
				sub(/ ret=.*/, "", line); want[$3] = line }; next }
	     { line = $0; sub(/^[^ ]+ [^ ]+ [^ ]+ [^ ]+ /, "", line)
	       if (want[$6] != line) print "wrong: " line
	       split($6, a, "="); if (prev != "" && a[2] != prev + 1) print "gap: " prev " -> " a[2]
	       prev = a[2] }' "$2" <(hits "$1" p0) | head -n 3
}
exec_maps() { awk '$2 ~ /x/' "/proc/$1/maps"; }
enough_hits() { [ -f "$HITS" ] && [ "$(hit_count "$HITS" p0)" -ge "$1" ]; }

for mode in on off; do
	stub "$mode"
	if [ -n "$why" ]; then
		skip 8 "detach: $why"
		continue
	fi
	rm -f "$HITS"
	start_bg "$TMP/long.out" "$FS" long
	tpid=$BG_PID
	wait_for "$TMP/long.out" '^call t=0 i=64 ' 10
	exec_maps "$tpid" >"$TMP/maps.before"
	nmaps=$(wc -l <"/proc/$tpid/maps")
	# Not under timeout(1): it would SIGKILL utap 5 s after forwarding
	# our signal; wait_exit bounds the wait instead.
	"$UTAP" -o "$HITS" -p "$tpid" "$(entry "$FS")" >/dev/null 2>"$UTAP_ERR" </dev/null &
	upid=$!
	_bg_pids+=("$upid")
	# 64 hits in a row show every line the run makes (call i is call i % 64's).
	wait_until 20 enough_hits 70
	diag "detach ($MODE): utap-fetch mappings while attached: $(grep -c utap-fetch "/proc/$tpid/maps")"
	kill -INT "$upid"
	wait_exit "$upid" "$UTAP_TIMEOUT"
	is "$BG_RC" 0 "detach ($MODE): utap detaches on SIGINT and exits 0" || diag_file "$UTAP_ERR"
	is "$(grep -c utap-fetch "/proc/$tpid/maps")" 0 "detach ($MODE): no utap-fetch mapping left"
	same_lines <(exec_maps "$tpid") "$TMP/maps.before" \
		"detach ($MODE): executable mappings as before (no XOL page)"
	is "$(wc -l <"/proc/$tpid/maps")" "$nmaps" "detach ($MODE): as many mappings as before"
	is "$(awk '/^TracerPid:/ { print $2 }' "/proc/$tpid/status")" 0 "detach ($MODE): no tracer left"
	calls=$(grep -c '^call ' "$TMP/long.out")
	wait_for "$TMP/long.out" "^call t=0 i=$((calls + 100)) " 10
	kill -USR2 "$tpid"
	wait_exit "$tpid" 20
	is "$BG_RC" 0 "detach ($MODE): the program carries on and exits 0"
	ok "detach ($MODE): every result right" grep -q '^done calls=.* bad=0 ok$' "$TMP/long.out"
	is "$(hits_vs_calls "$HITS" "$TMP/long.out")" "" \
		"detach ($MODE): every hit's values, one run of calls"
	# Both ways saw every one of the 64 distinct calls: the same lines.
	masked "$HITS" | sed 's/ i=[0-9]* / /' | sort -u >"$TMP/detach.$mode"
done
if [ -n "$why" ]; then skip 1 "detach: $why"; else same_as_off detach; fi

# ---- 10. -v says where the stub went, once -----------------------------------

for mode in on off; do
	stub "$mode"
	run_utap -v -o "$HITS" "$(entry "$FS")" -- "$FS" calls 4
	want_n=1
	[ "$mode" = off ] && want_n=0
	n=$(grep -c 'fetch stub:' "$UTAP_ERR")
	is "$n" "$want_n" "-v ($MODE): 'fetch stub:' printed $want_n time(s)" ||
		diag_file "$UTAP_ERR"
	check_values verbose
done
same_as_off verbose

# ---- 11. a seccomp filter: no system call injected that could kill it ------

# The target's filter kills it at a memfd_create: utap must read per hit.
for mode in on off; do
	stub "$mode"
	UTAP_OPTS=(-v)
	traced_same "seccomp ($MODE)" "$(entry "$FS")" -- "$FS" seccomp 6
	ok "seccomp ($MODE): the calls ran" grep -q '^done calls=6 bad=0$' "$UTAP_OUT"
	check_values seccomp
	[ "$mode" = on ] && ok "seccomp (on): no fetch stub set up, and -v says why" \
		grep -q 'no fetch stub (a seccomp filter)' "$UTAP_ERR"
	UTAP_OPTS=()
done
same_as_off seccomp
stub on
done_testing
