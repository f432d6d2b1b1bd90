#!/bin/bash
# libs.t: probes in shared libraries: our libplug.so linked and dlopen()ed
# after start (by library name and by path), and 'p libc:malloc size=%0'
# in a launched process.
. "$(dirname "$0")/lib.sh"
require_utap

N=6
# target     how the probe names the library
CASES="
dllinked     libplug
dllinked     PATH
dlopen       libplug
dlopen       PATH
"

while read -r name lib; do
	[ -n "$name" ] || continue
	[ "$lib" = PATH ] && lib=$T/libplug.so
	traced_same "$name $lib" \
		"p $lib:plug_add a=%0:s32 b=%1:s32" \
		"r $lib:plug_add ret=\$retval:s32" \
		-- "$T/$name" "$N"
	for key in a b; do
		same_values "$name $lib: every $key as passed" \
			"$(hit_values "$HITS" p0 "$key")" \
			"$(out_values "$PLAIN_OUT" plug_add "$key")"
	done
	same_values "$name $lib: every return value" \
		"$(hit_values "$HITS" r1 ret)" "$(out_values "$PLAIN_OUT" plug_add ret)"
done <<<"$CASES"

# libc:malloc, launched: every size the target printed, exactly once.
for v in mallocs mallocs-O2 mallocs-nopie; do
	traced_same "$v libc:malloc" "p libc:malloc size=%0" -- "$T/$v" "$N"
	out_values "$PLAIN_OUT" malloc size >"$TMP/want"
	hit_values "$HITS" p0 size | grep -Fxf "$TMP/want" >"$TMP/got"
	same_lines "$TMP/got" "$TMP/want" "$v libc:malloc: each size seen once, in order"
done
done_testing
