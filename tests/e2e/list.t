#!/bin/bash
# list.t: -l/-L list functions, variables and lines as the targets' source,
# nm/readelf and the ABI say; bad input gets "utap: ..." and exit status 2.
. "$(dirname "$0")/lib.sh"
require_utap

SRC=$ROOT/targets
C=$T/calls

# binary_of BASE: the built target for targets/BASE.c, empty if none.
binary_of()
{
	if [ -x "$T/$1" ]; then echo "$T/$1"; elif [ -f "$T/$1.so" ]; then echo "$T/$1.so"; fi
}

# probed_funcs FILE: "NAME LINE" of each PROBED function defined in FILE.
probed_funcs()
{
	grep -n '^PROBED' "$1" | sed -E 's/^([0-9]+):[^(]*[ *]([A-Za-z_][A-Za-z0-9_]*)\(.*/\2 \1/'
}

# params_of FILE LINE: the parameter names of the prototype starting at LINE.
params_of()
{
	sed -n "$2,\$p" "$1" | awk '{ s = s " " $0 } /\)/ { print s; exit }' |
		sed -E 's/^[^(]*\(//; s/\).*//' | tr ',' '\n' |
		sed -E 's/\[[^]]*\]//g; s/.*[ *]([A-Za-z_][A-Za-z0-9_]*) *$/\1/' | grep -v '^void$'
}

# functions_in BIN GLOB: defined function symbols matching GLOB (readelf), sorted.
functions_in()
{
	readelf -sW "$1" | awk '$4 == "FUNC" && $7 != "UND" { sub(/@.*/, "", $8); print $8 }' |
		while read -r name; do
			# shellcheck disable=SC2053
			[[ $name == $2 ]] && echo "$name"
		done | sort -u
}

# file_offset BIN ADDR: where link-time address ADDR (hex) lies in BIN.
file_offset()
{
	local a=$((16#${2#0x})) type off va fs
	while read -r type off va _ fs _; do
		[ "$type" = LOAD ] || continue
		if ((a >= va && a < va + fs)); then
			printf '0x%x\n' $((a - va + off))
			return
		fi
	done < <(readelf -lW "$1")
}

# ---- every PROBED function: file:line from the source, address from nm --------
for src in "$SRC"/*.c; do
	base=$(basename "$src" .c)
	bin=$(binary_of "$base")
	[ -n "$bin" ] || continue
	while read -r name line; do
		run_utap -L "$bin:$name"
		got=$(head -n 1 "$UTAP_OUT")
		addr=$(nm "$bin" | awk -v n="$name" '$3 == n { print "0x" $1; exit }' |
			sed -E 's/0x0+([0-9a-f])/0x\1/')
		want="$name $base.c:$line $addr (file offset $(file_offset "$bin" "$addr"))"
		is "$got" "$want" "-L $base:$name: file:line as grep -n, address as nm"
		want=$(params_of "$src" "$line" | sort | tr '\n' ' ')
		got=$(sed -n 's/^  param \([A-Za-z0-9_]*\): .*/\1/p' "$UTAP_OUT" | sort | tr '\n' ' ')
		is "$got" "$want" "-L $base:$name: the prototype's parameters"
	done < <(probed_funcs "$src")
done

# ---- -l PATTERN lists exactly the functions readelf shows -------------------
for bin in "$C" "$C-O2" "$T/fetch"; do
	for glob in '*' 'w*' '*_tm_clones' 'ma?n'; do
		run_utap -l "$bin:$glob"
		got=$(grep -v '(inlined)$' "$UTAP_OUT" | cut -d' ' -f1 | sort -u)
		is "$got" "$(functions_in "$bin" "$glob")" "-l ${bin##*/}:$glob: the functions readelf lists"
	done
done
run_utap -l "$C:*"
is "$(cut -d' ' -f1 "$UTAP_OUT" | LC_ALL=C sort -c 2>&1 && echo sorted)" sorted "-l: sorted by name"
grep -E '^_start \? 0x[0-9a-f]+ \(file offset 0x[0-9a-f]+\)$' "$UTAP_OUT" >/dev/null
ok "-l: a function without DWARF shows '?' for file:line" [ $? = 0 ]

# ---- -L: types as the source spells them, where parameters live ------------
run_utap -L "$C:work"
ok "-L calls:work: p is a struct pair *" grep -qx '  param p: struct pair \* @ CFA-[0-9]*' "$UTAP_OUT"
run_utap -L "$C-O2:work"
# System V: the first two integer arguments arrive in rdi and rsi.
ok "-L calls-O2:work: i in %di" grep -qx '  param i: int @ %di' "$UTAP_OUT"
ok "-L calls-O2:work: p in %si" grep -qx '  param p: struct pair \* @ %si' "$UTAP_OUT"
run_utap -L "$T/fetch:many"
for v in $(params_of "$SRC/fetch.c" "$(grep -n '^PROBED.* many(' "$SRC/fetch.c" | cut -d: -f1)"); do
	decl=$(sed -n '/^PROBED.* many(/,/)/p' "$SRC/fetch.c" | tr '\n' ' ' |
		grep -oE "[a-z ]+ ${v}[,)]" | sed -E "s/^ *//; s/ ${v}[,)]$//")
	[ "$decl" = unsigned ] && decl="unsigned int"
	ok "-L fetch:many: $v is $decl" grep -qx "  param $v: $decl @ .*" "$UTAP_OUT"
done
run_utap -L "$T/fetch:main"
ok "-L fetch:main: a local char array" grep -qE '^  local nx: char\[32\] @ ' "$UTAP_OUT"

# ---- -L BIN:FILE:* lists the line table's lines ----------------------------
run_utap -L "$C:calls.c:*"
is "$UTAP_RC" 0 "-L calls:calls.c:*: exit status 0"
body=$(grep -n 'return i + p->a \* p->b;' "$SRC/calls.c" | cut -d: -f1)
read -r start size < <(nm -S "$C" | awk '$4 == "work" { print $1, $2 }')
addr=$(sed -n "s/^calls.c:$body 0x\([0-9a-f]*\)$/\1/p" "$UTAP_OUT")
inside_work() { [ -n "$addr" ] && ((16#$addr >= 16#$start && 16#$addr < 16#$start + 16#$size)); }
ok "-L calls.c:*: line $body (the body of work) at an address inside work" inside_work
is "$(cut -d' ' -f1 "$UTAP_OUT" | sort -u | wc -l)" "$(wc -l <"$UTAP_OUT")" \
	"-L calls.c:*: one row per line"
run_utap -L "$C:calls.c:$body"
is "$(cat "$UTAP_OUT")" "calls.c:$body 0x$addr" "-L calls.c:$body: just that line"

# ---- separate debuginfo, found by .gnu_debuglink -----------------------------
cp "$C-O2" "$TMP/calls"
objcopy --only-keep-debug "$TMP/calls" "$TMP/calls.debug"
objcopy --strip-all --add-gnu-debuglink="$TMP/calls.debug" "$TMP/calls" "$TMP/linked"
mv "$TMP/linked" "$TMP/calls"
run_utap -L "$TMP/calls:work"
ok "-L via .gnu_debuglink: i in %di" grep -qx '  param i: int @ %di' "$UTAP_OUT"

# ---- errors ------------------------------------------------------------------
# check_error DESC REGEX ARGS...: exit status 2, one "utap:" line matching REGEX.
check_error()
{
	local desc=$1 want=$2
	shift 2
	run_utap "$@"
	is "$UTAP_RC" 2 "$desc: exit status 2"
	if [ "$(grep -c '^utap:' "$UTAP_ERR")" = 1 ] && grep -Eiq "$want" "$UTAP_ERR"; then
		pass "$desc: one 'utap:' line saying /$want/"
	else
		fail "$desc: one 'utap:' line saying /$want/"
		diag_file "$UTAP_ERR"
	fi
}
check_error "missing binary" 'no/such/bin' -l '/no/such/bin:*'
check_error "not ELF" 'not an ELF' -l "$SRC/calls.c:*"
check_error "no ':'" "BIN:PATTERN" -l "$C"
check_error "nothing matches, with a suggestion" 'did you mean work' -l "$C:wrok"
check_error "-L without DWARF" 'no DWARF' -L "$C-stripped:work"
ok "-L without DWARF: the hint shows -l" grep -q "hint: utap -l '$C-stripped:work'" "$UTAP_ERR"
check_error "unknown source file" 'nosuch\.c' -L "$C:nosuch.c:*"
run_utap -l "$C-stripped:work"
ok "-l without DWARF: work from the symbol table" grep -qE '^work \? 0x' "$UTAP_OUT"

# ---- smoke: real binaries never crash utap -------------------------------------
LIBC=$(ldd "$C" | awk '/libc\.so/ { print $3; exit }')
for arg in "-l /bin/ls:*" "-L /bin/ls:*" "-l $LIBC:*" "-L $LIBC:mall*" "-L $LIBC:malloc.c:*"; do
	# shellcheck disable=SC2086
	run_utap $arg
	ok "smoke $arg: exit status $UTAP_RC (0 or 2, not a crash)" [ "$UTAP_RC" -le 2 ]
done

done_testing
