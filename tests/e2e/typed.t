#!/bin/bash
# typed.t: fetches by C names, compiled against DWARF: $params and locals,
# ->members, .embedded, [index], strings, unions, enums, bit-fields, bools,
# floats, pointer chains, %N / $argN typed by DWARF, casts !(T), @globals and
# @0xADDR, stack and xmm parameters, struct by value, typed $retval, every
# inlined copy, locals at source lines, filters, --json and -S. Both builds
# of typed (-O0, -O2). typed prints each value as utap does (enum names,
# true/false, quoted strings and chars, %.9g floats, %.17g doubles) on
# "typed: call=N fn=FUNC key=value ..." lines.
. "$(dirname "$0")/lib.sh"
require_utap
[ -x "$T/typed" ] && [ -x "$T/typed-O2" ] || bail "typed targets not built in $T"

N=3
declare -A OFF
for kv in $("$T/typed" --layout); do
	OFF[${kv%%=*}]=${kv#*=}
done
L1=$(grep -n 'LINE-STEP1' "$ROOT/targets/typed.c" | cut -d: -f1)
L2=$(grep -n 'LINE-STEP2' "$ROOT/targets/typed.c" | cut -d: -f1)
[ -n "$L1" ] && [ -n "$L2" ] || bail "no LINE-STEP markers in targets/typed.c"

# want FN KEY: KEY on the target's fn=FN lines, in order. The target prints
# a NULL pointer as NULL; a read through it (or of it as a string) is
# (fault) in utap's text.
want() { grep -E "^typed: call=[0-9]+ fn=$1 " "$PLAIN_OUT" | field "$2" | sed 's/^NULL$/(fault)/'; }

# check PROBE FN KEY[=TKEY]...: utap's KEY in PROBE's hits is the target's
# TKEY (default KEY) on its fn=FN lines.
check()
{
	local p=$1 fn=$2 kv
	shift 2
	for kv; do
		same_values "$v: $fn $kv" \
			"$(hit_values "$HITS" "$p" "${kv%%=*}")" "$(want "$fn" "${kv#*=}")"
	done
}

# use_outer's members, named as the target prints them.
OUTER='id=$o->id in_x=$o->in.x in_y=$o->in.y in_tag=$o->in.tag arr2_x=$o->arr[2].x'
OUTER+=' vals1=$o->vals[1] name=$o->name label=$o->label num_i=$o->num.i color=$o->color'
OUTER+=' bits_lo=$o->bits.lo bits_delta=$o->bits.delta bits_wide=$o->bits.wide'
OUTER+=' bits_flag=$o->bits.flag ok=$o->ok ratio=$o->ratio scale=$o->scale any=$o->any'
OUTER+=' next_id=$o->next->id'
OUTER_KEYS="id in_x in_y in_tag arr2_x vals1 name label num_i color bits_lo bits_delta
	bits_wide bits_flag ok ratio scale any next_id"

for v in typed typed-O2; do
	B=$T/$v
	addr=0x$(nm "$B" | awk '$3 == "counter" { print $1 }') # a link-time address
	CASTS="c_id=!(struct outer *)%di->id c_name=!(struct outer *)%0->name"
	CASTS+=" c_label=!(char *)+${OFF[label]}(%di) c_color=!(struct outer *)%di->color"
	CASTS+=" di=%di u64=!(u64)%di"
	CFG='bump=$bump counter=@counter cfg_name=@g_cfg->name cfg_level=@g_cfg->level'
	CFG+=" c_name=!(struct cfg *)@g_cfg->name a_s32=@$addr:s32 a_int=!(int)@$addr"
	traced_same "$v" \
		"p $B:use_outer $OUTER" \
		"p $B:use_outer $CASTS" \
		'p '"$B"':use_floats f=$f d=$d i=$i' \
		'p '"$B"':many a=$a b=$b c=$c d=$d e=$e f=$f g=$g h=$h' \
		'p '"$B"':by_value k=$k b_a=$b.a b_b=$b.b b_c=$b.c c=$c' \
		'p '"$B"':find head_id=$head->id id=$id pos=%0->id arg=$arg1->id head=$head' \
		'r '"$B"':find ret_id=$retval->id ret=$retval' \
		'r '"$B"':average ret=$retval' \
		'p '"$B"':label_len s=$s' \
		"p $B:use_cfg $CFG" \
		'p '"$B"':scaled k=$k y=$in->y x=$in->x' \
		'p '"$B:typed.c:$L1"' n=$n acc1=$acc sq1=$sq' \
		'p '"$B:typed.c:$L2"' acc2=$acc sq2=$sq' \
		-- "$B" "$N"
	# shellcheck disable=SC2086
	check p0 use_outer $OUTER_KEYS
	check p1 use_outer c_id=id c_name=name c_label=label c_color=color
	same_values "$v: !(u64)%di is %di" "$(hit_values "$HITS" p1 u64)" \
		"$(hit_values "$HITS" p1 di)"
	check p2 use_floats f d i
	check p3 many a b c d e f g h
	check p4 by_value k b_a b_b b_c c
	check p5 find head_id id pos=head_id arg=head_id
	check r6 find ret_id
	# find(&chain[0], 102) returns &chain[2]: two struct outers past head,
	# a pointer in hex.
	same_values "$v: find's \$retval is a pointer, in hex" "$(hit_values "$HITS" r6 ret)" \
		"$(hit_values "$HITS" p5 head | while read -r h; do
			printf '0x%x\n' $((h + 2 * OFF[outer])); done)"
	check r7 average ret
	check p8 label_len s
	check p9 use_cfg bump counter cfg_name cfg_level c_name=cfg_name a_s32=counter a_int=counter
	# scaled() is inlined twice per call: with (a, 3), then with (b, 5).
	for kv in k=k1:k2 y=a_y:b_y x=a_x:b_x; do
		k=${kv%%=*} t=${kv#*=}
		same_values "$v: inlined scaled \$$k, both copies" "$(hit_values "$HITS" p10 "$k")" \
			"$(paste -d '\n' <(want twice_scaled "${t%:*}") <(want twice_scaled "${t#*:}"))"
	done
	# Locals at source lines. Where utap warns that a local is optimized
	# out at the line's site, it must print (optimized out); else the
	# target's value. At -O0 nothing is optimized out. ("(optimized out)"
	# is two words: one here, for field. Warnings number probes from 1:
	# p11 is probe 12.)
	sed 's/=(optimized out)/=(optimized_out)/g' "$HITS" >"$TMP/hits.lines"
	read_some=0
	for kv in p11:12:n:n p11:12:acc1:acc p11:12:sq1:sq p12:13:acc2:acc p12:13:sq2:sq; do
		IFS=: read -r p num key var <<<"$kv"
		exp=$(want steps "$key")
		if grep -q "warning: probe $num at .*\\\$$var is optimized out" "$UTAP_ERR"; then
			exp=$(sed 's/.*/(optimized_out)/' <<<"$exp")
		else
			read_some=$((read_some + 1))
		fi
		same_values "$v: line probe \$$var ($key)" "$(hit_values "$TMP/hits.lines" "$p" "$key")" "$exp"
	done
	ok "$v: line probes read at least 3 of their 5 locals" test "$read_some" -ge 3
	if [ "$v" = typed ]; then
		ok "$v: no warning at -O0" test -z "$(grep warning "$UTAP_ERR")" ||
			diag_file "$UTAP_ERR"
	fi

	# Filters over typed fields; the same conditions in awk over the
	# target's own use_outer lines (v["key"] is its value of key).
	traced_same "$v: filters" \
		"p $B:use_outer id=\$o->id color=\$o->color f:color==\"GREEN\"" \
		"p $B:use_outer id=\$o->id ok=\$o->ok f:ok==true" \
		"p $B:use_outer id=\$o->id ok=\$o->ok f:ok==0" \
		"p $B:use_outer id=\$o->id d=\$o->bits.delta l=\$o->label f:d<0 && l==\"even\"" \
		"p $B:use_outer id=\$o->id f:id>100" \
		-- "$B" "$N"
	i=0
	for cond in 'v["color"] == "GREEN"' 'v["ok"] == "true"' 'v["ok"] == "false"' \
		'v["bits_delta"] < 0 && v["label"] == "\"even\""' 'v["id"] > 100'; do
		same_values "$v: filter p$i ($cond)" "$(hit_values "$HITS" p$i id)" \
			"$(grep ' fn=use_outer ' "$PLAIN_OUT" | awk '{
				for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
			} '"$cond"' { print v["id"] }')"
		i=$((i + 1))
	done

	# surftrace's naming rules over big-endian fields: ip_* a dotted quad,
	# b16_/b64_ byte-swapped decimal, B32_ byte-swapped hex; by C name and
	# raw (the endpoint's addr is at +0, its port at +4).
	traced_same "$v: ip_ and byte-swap names" \
		"p $B:connect_to ip_a=\$ep->addr b16_port=\$ep->port B32_seq=\$ep->seq b64_id=\$ep->id ip_raw=+0(%di) b16_raw=+4(%di)" \
		-- "$B" "$N"
	check p0 connect_to ip_a=ip b16_port=port B32_seq=seq b64_id=id ip_raw=ip b16_raw=port

	# --json: a bool is true/false, an enumerator a string (rule: the
	# target's bare name, quoted), a double a number, strings strings,
	# a fault null (rule: the target's NULL).
	UTAP_OPTS=(--json)
	traced_same "$v: --json" "p $B:use_outer $OUTER" -- "$B" "$N"
	UTAP_OPTS=()
	for key in ok bits_flag color ratio scale name label next_id; do
		exp=$(want use_outer "$key" | sed 's/^(fault)$/null/')
		[ "$key" = color ] && exp=$(sed 's/.*/"&"/' <<<"$exp")
		same_values "$v: --json $key" "$(jq -c ".args.$key" "$HITS" 2>&1)" "$exp"
	done

	# -S: each site's plan and format; offsets from typed --layout, bit
	# positions from the declaration (lo:3, delta:5, wide:13, flag:1).
	run_utap -S "p $B:use_outer $OUTER" 'p '"$B"':scaled k=$k y=$in->y' \
		'p '"$B"':use_floats f=$f d=$d' -- "$B" "$N"
	is "$UTAP_RC" 0 "$v: -S exits 0" || diag_file "$UTAP_ERR"
	ok "$v: -S does not start the program" test -z "$(grep '^typed:' "$UTAP_OUT")"
	for line in "bits_delta = +${OFF[bits]}(%di):s8 bits 3..7 (int:5)" \
		"bits_wide = +$((OFF[bits] + 1))(%di):u16 bits 0..12 (unsigned int:13)" \
		"bits_flag = +$((OFF[bits] + 2))(%di):bool bits 5..5 (_Bool:1)" \
		"color = +${OFF[color]}(%di):enum color (enum color)" \
		"name = +${OFF[name]}(%di):string max 16 (char[16])" \
		"label = +0(+${OFF[label]}(%di)):string (const char *)" \
		"next_id = +0(+${OFF[next]}(%di)):s32 (int)" \
		"ratio = +${OFF[ratio]}(%di):double (double)" \
		"f = %xmm0:float (float)" "d = %xmm1:double (double)"; do
		ok "$v: -S: $line" grep -qFx "  fetch    $line" "$UTAP_OUT"
	done
	ok "$v: -S: scaled has 2 sites (inlined copies)" grep -qFx '  sites    2' "$UTAP_OUT"
	if [ "$v" = typed-O2 ]; then # DWARF gives the inlined k as a constant
		k1=$(want twice_scaled k1 | head -n 1) k2=$(want twice_scaled k2 | head -n 1)
		is "$(grep -F 'fetch    k = ' "$UTAP_OUT" | tr -s ' ' | tr '\n' ';')" \
			"$(printf ' fetch k = 0x%x:s32 (int);' "$k1" "$k2")" "$v: -S: k is $k1, then $k2"
	fi
done
done_testing
