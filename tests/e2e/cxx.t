#!/bin/bash
# cxx.t: C++ functions probed by demangled name (no parameter list) and by mangled
# name, in each build variant: arguments and return values equal what the target
# printed, hit lines name them demangled; members through 'this' by name;
# a misspelt C++ name gets a hint.
. "$(dirname "$0")/lib.sh"
require_utap
[ -x "$T/cxx" ] || bail "C++ target not built in $T (make targets)"
command -v c++filt >/dev/null || skip_all "c++filt (binutils) not installed"

N=7
VARIANTS="cxx cxx-O2 cxx-nopie cxx-stripped"

# mangled_of BIN DEMANGLED: the mangled name nm shows for a demangled one
# (.dynsym for a stripped file).
mangled_of()
{
	local list=$TMP/nm.list
	nm --defined-only "$1" 2>/dev/null | awk 'NF == 3 { print $3 }' >"$list"
	[ -s "$list" ] || nm -D --defined-only "$1" | awk 'NF == 3 { print $3 }' >"$list"
	paste "$list" <(c++filt <"$list") | awk -F '\t' -v d="$2" '$2 == d { print $1; exit }'
}

# check_values NAME PROBE WORD KEY...: each KEY of PROBE's hits equals what
# the target printed on its WORD lines.
check_values()
{
	local name=$1 probe=$2 word=$3 key
	shift 3
	for key in "$@"; do
		same_values "$name: $word $key as the target printed" \
			"$(hit_values "$HITS" "$probe" "$key")" \
			"$(out_values "$PLAIN_OUT" "$word" "$key")"
	done
}

check_variant()
{
	local name=$1 bin=$T/$1 mix1 mix2 calls
	mix1=$(mangled_of "$bin" 'ns::mix(long)')
	mix2=$(mangled_of "$bin" 'ns::mix(long, long)')
	if [ -z "$mix1" ] || [ -z "$mix2" ]; then
		fail "$name: nm shows ns::mix(long) and ns::mix(long, long)"
		return
	fi

	traced_same "$name" \
		"p $bin:ns::Shape::area w=+8(%0):s64 h=+16(%0):s64" \
		"r $bin:ns::Shape::area ret=\$retval:s64" \
		"p $bin:ns::Shape::scale w=+8(%0):s64 h=+16(%0):s64 k=%1:s64" \
		"r $bin:ns::Shape::scale ret=\$retval:s64" \
		"p $bin:ns::Square::area side=+8(%0):s64" \
		"r $bin:ns::Square::area ret=\$retval:s64" \
		"p $bin:$mix1 a=%0:s64" \
		"r $bin:$mix1 ret=\$retval:s64" \
		"p $bin:$mix2 a=%0:s64 b=%1:s64" \
		"r $bin:$mix2 ret=\$retval:s64" \
		"p $bin:ns::maxof<long> a=%0:s64 b=%1:s64" \
		"r $bin:ns::maxof<long> ret=\$retval:s64" \
		-- "$bin" "$N"
	calls=$(sed -n 's/^checksum=.* calls=//p' "$PLAIN_OUT")

	check_values "$name" p0 area w h
	check_values "$name" r1 area ret
	check_values "$name" p2 scale w h k
	check_values "$name" r3 scale ret
	check_values "$name" p4 square side
	check_values "$name" r5 square ret
	check_values "$name" p6 mix1 a
	check_values "$name" r7 mix1 ret
	check_values "$name" p8 mix2 a b
	check_values "$name" r9 mix2 ret
	check_values "$name" p10 maxof a b
	check_values "$name" r11 maxof ret

	# Hit lines name the function as the demangler does, whichever way the
	# probe named it (entry: "+0x0/SIZE"; return: "<- NAME").
	is "$(grep -cF ' p0: (ns::Shape::area() const+0x0/' "$HITS")" "$calls" \
		"$name: ns::Shape::area hits show 'ns::Shape::area() const'"
	is "$(grep -cF ' p6: (ns::mix(long)+0x0/' "$HITS")" "$calls" \
		"$name: $mix1 hits show 'ns::mix(long)'"
	is "$(grep -cF ' p10: (long ns::maxof<long>(long, long)+0x0/' "$HITS")" "$calls" \
		"$name: ns::maxof<long> hits show the instantiation"
	is "$(grep -cF ' <- ns::mix(long, long))' "$HITS")" "$calls" \
		"$name: returns from $mix2 show 'ns::mix(long, long)'"

	# Members through 'this', by C++ name, from DWARF (the stripped
	# variant has none).
	if [ "$name" != cxx-stripped ]; then
		traced_same "$name: by name" \
			"p $bin:ns::Shape::scale w=\$this->w_ h=\$this->h_ k=\$k" -- "$bin" "$N"
		check_values "$name" p0 scale w h k
	fi
}

for v in $VARIANTS; do
	check_variant "$v"
done

# A misspelt C++ name: the hint offers the demangled name a probe can use.
area=$(mangled_of "$T/cxx" 'ns::Shape::area() const')
want=$(printf '%s\n' "$area" | c++filt)
want=${want%%(*}
run_utap "p $T/cxx:ns::Shape::aera" -- "$T/cxx" 1
is "$UTAP_RC" 2 "unknown C++ name: exit status 2"
if grep -qF "did you mean $want" "$UTAP_ERR"; then
	pass "unknown C++ name: did you mean $want"
else
	fail "unknown C++ name: did you mean $want"
	diag_file "$UTAP_ERR"
fi
if grep -q '_Z' "$UTAP_ERR"; then
	fail "unknown C++ name: no mangled names in the hint"
	diag_file "$UTAP_ERR"
else
	pass "unknown C++ name: no mangled names in the hint"
fi
done_testing
