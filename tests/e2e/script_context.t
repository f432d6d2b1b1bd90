#!/bin/bash
# script_context.t: @cast(VALUE, "type"[, "module"])->member of a value the
# script computed (in probes, compiled per site; in functions, once), @defined()
# resolved per site (the "@defined($x) ? $x : 0" idiom where $x is missing),
# and @var("name@file.c"[, "module"]). Every value checked is one typed
# prints of itself; errors are refused at their place in the script.
. "$(dirname "$0")/lib.sh"
require_utap
for b in typed typed-O2 calls dllinked libplug.so; do
	[ -f "$T/$b" ] || bail "target $b not built in $T (make targets)"
done

stp()
{
	S=$TMP/$1.stp
	cat >"$S"
}
lines() { sed -n "s/^$1 //p" "${2:-$HITS}"; }
# want KEY...: from typed's use_outer lines, "KEY=VALUE ..." of those keys.
want()
{
	grep ' fn=use_outer ' "$PLAIN_OUT" | awk -v keys="$*" '{
		n = split(keys, k, " "); line = ""
		for (j = 1; j <= n; j++)
			for (i = 1; i <= NF; i++)
				if (index($i, k[j] "=") == 1)
					line = line (line == "" ? "" : " ") $i
		print line
	}' | tr -d "\"'"
}

TYPED=$(realpath "$T/typed")

# ---- @cast of a value saved in a variable --------------------------------------------

for bin in typed typed-O2; do
	stp cast <<EOF
global saved
# in a function: compiled once, from the module named
function tag_of(p) { return @cast(p, "struct outer", "$(realpath "$T/$bin")")->in->tag }
# without a module: the traced program's types
function label_of(p) { return user_string(@cast(p, "struct outer")->label) }
probe process.function("use_outer")
{
	saved = \$o
	printf("cast id=%d in_x=%d arr2_x=%d vals1=%d name=%s label=%s in_tag=%c\n",
	       @cast(saved, "struct outer")->id, @cast(saved, "struct outer")->in->x,
	       @cast(saved, "struct outer")->arr[2]->x,
	       @cast(saved, "struct outer", "$(realpath "$T/$bin")")->vals[1],
	       user_string(@cast(saved, "struct outer")->name), label_of(saved), tag_of(saved))
	printf("next next_id=%s\n", @cast(saved, "struct outer")->next ?
	       sprint(@cast(saved, "struct outer")->next->id) : "NULL")
}
EOF
	traced_same "@cast ($bin)" "$S" -- "$T/$bin" 3
	same_values "@cast(saved, \"struct outer\")->members ($bin)" "$(lines cast)" \
		"$(want id in_x arr2_x vals1 name label in_tag)"
	same_values "@cast(...)->next->id through a pointer member ($bin)" "$(lines next)" \
		"$(want next_id)"
done

# ---- a library as the module: types and statics only libplug.so's DWARF describes -----------

stp library <<EOF
probe process("$T/dllinked").function("report")
{
	printf("plug_stats calls=%d\n", @cast(\$stats, "struct plug_stats", "libplug.so")->calls)
}
probe process("$T/libplug.so").function("plug_add").return
{
	printf("var calls=%d ret=%d\n", @var("stats@libplug.c", "libplug.so")->calls,
	       @var("stats@libplug.c", "$(realpath "$T/libplug.so")")->last)
}
EOF
traced_same "@cast and @var with a library as the module" "$S" -- "$T/dllinked" 4
is "$(grep '^plug_stats ' "$HITS")" "$(grep '^plug_stats ' "$PLAIN_OUT")" \
	"@cast(\$stats, \"struct plug_stats\", \"libplug.so\")->calls: the library's own count"
same_values "@var(\"stats@libplug.c\", \"libplug.so\")->calls and ->last after each call" \
	"$(lines var)" "$(out_values "$PLAIN_OUT" plug_add ret | awk '{ print "calls=" NR " ret=" $1 }')"
stp notype <<EOF
probe process("$T/dllinked").function("report") { println(@cast(\$stats, "struct plug_stats")->calls) }
EOF
run_utap "$S" -c "$T/dllinked 1"
is "$UTAP_RC" 2 "@cast to a type of the library, without the module: refused"
ok "... the program's DWARF does not define it" \
	grep -q "unknown type 'struct plug_stats'" "$UTAP_ERR" || diag_file "$UTAP_ERR"

# ---- $a[i]: an index the handler computes ---------------------------------------------------

stp index <<'EOF'
probe process.function("use_outer")
{
	k = 1; j = k + 1
	printf("index vals1=%d arr2_x=%d\n", $o->vals[k], $o->arr[j]->x)
}
probe process.function("average")
{
	sum = 0
	for (k = 0; k < $n; k++)
		sum += $vals[k]
	printf("sum %d %d\n", $n, sum)
}
EOF
traced_same "\$a[i]" "$S" -- "$T/typed" 3
same_values "\$o->vals[k], \$o->arr[j]->x with k and j computed" "$(lines index)" "$(want vals1 arr2_x)"
same_values "\$vals[k] over k < \$n: the sum behind average()'s result" \
	"$(lines sum | awk '{ print $2 / $1 }')" \
	"$(grep ' fn=average ' "$PLAIN_OUT" | field ret)"

# ---- @defined: per site, at compile time -----------------------------------------------

stp defined <<'EOF'
probe process.function("use_*")
{
	if (@defined($o))
		printf("has_o %s id=%d\n", probefunc(), $o->id)
	else
		printf("no_o %s\n", probefunc())
	printf("member %s %d %d\n", probefunc(), @defined($o->next), @defined($o->nosuch))
	printf("idiom %s %d\n", probefunc(), @defined($bump) ? $bump : -1)
}
probe process.function("use_cfg").return, process.function("between").return
{
	printf("ret %s bump=%d return=%d\n", probefunc(), @defined($bump), @defined($return))
}
probe process.function("use_cfg").return, process.function("between").return
{
	printf("dollars %s [%s]\n", probefunc(), $$return)
}
function f() { return @defined($x) ? $x : 7 }
probe begin { printf("begin %d %d\n", @defined($o), f()) }
EOF
traced_same "@defined" "$S" -- "$T/typed" 2
same_values "@defined(\$o): use_outer has it, its \$o->id as typed printed it" \
	"$(lines has_o)" "$(want id | sed 's/^/use_outer /')"
is "$(lines no_o | sort -u | tr '\n' ' ')" "use_cfg use_floats " \
	"@defined(\$o) is 0 in use_cfg and use_floats, the other use_*"
is "$(lines member | sort -u | tr '\n' ' ')" "use_cfg 0 0 use_floats 0 0 use_outer 1 0 " \
	"@defined(\$o->next) and @defined(\$o->nosuch), per function"
same_values "@defined(\$bump) ? \$bump : -1: the parameter where it exists" \
	"$(lines idiom | awk '$1 == "use_cfg" { print $2 }')" \
	"$(grep ' fn=use_cfg ' "$PLAIN_OUT" | field bump)"
is "$(lines idiom | awk '$1 != "use_cfg" { print $2 }' | sort -u)" -1 \
	"... and -1 where it does not, without an error"
is "$(lines ret | sort -u | tr '\n' ' ')" "between bump=0 return=0 use_cfg bump=1 return=1 " \
	"in .return probes: a parameter at the call, \$return of a function returning void is not"
is "$(lines begin)" "0 7" "@defined in begin and in a function: 0, the guarded \$x never read"
is "$(lines dollars | awk '$1 == "between"' | sort -u)" "between []" \
	"\$\$return of a function returning void is empty, as SystemTap has it"
ok "\$\$return of use_cfg: return=0x..." test -z "$(lines dollars | awk '$1 == "use_cfg"' |
	grep -v '^use_cfg \[return=0x[0-9a-f]*\]$')" -a -n "$(lines dollars | grep use_cfg)"

# ---- @var("name@file.c"[, "module"]) ------------------------------------------------------

stp var <<EOF
probe process.function("use_cfg")
{
	printf("cfg counter=%d cfg_name=\"%s\" cfg_level=%d\n", @var("counter@typed.c"),
	       user_string(@var("g_cfg@targets/typed.c")->name),
	       @var("g_cfg@typed.c", "$TYPED")->level)
}
EOF
traced_same "@var(\"name@file\")" "$S" -- "$T/typed" 3
same_values "@var(\"counter@typed.c\"), @var(\"g_cfg@...\")->name, ->level with the module" \
	"$(lines cfg)" "$(sed -n 's/^typed: call=[0-9]* fn=use_cfg bump=[0-9]* //p' "$PLAIN_OUT")"

# ---- -S: a cast's plan starts from the value the handler gives ------------------------------

stp dry <<'EOF'
probe process.function("use_outer") { x = $o; println(@cast(x, "struct outer")->in->x) }
EOF
run_utap -S "$S" -c "$T/typed 1"
is "$UTAP_RC" 0 "-S with @cast: exit status 0"
ok "-S: @cast(struct outer)->in->x read 4 bytes past the given value" \
	grep -q 'fetch    @cast(struct outer)->in->x = +4((value)):s32 (int)' "$UTAP_OUT" ||
	diag_file "$UTAP_OUT"

# ---- stacks as the Beginners Guide prints them: print_usyms(ubacktrace()), ustack(N) -------------

stp usyms <<'EOF'
probe process.function("work") {
	println("usyms")
	print_usyms(ubacktrace())
	printf("ustack %s %s\n", usymname(ustack(0)), usymname(ustack(1)))
	println("brief")
	print_ubacktrace_brief()
}
EOF
traced_same "print_usyms, ustack, print_ubacktrace_brief" "$S" -- "$T/calls" 2
is "$(lines ustack | sort -u)" "work main" "ustack(0) is in work, ustack(1) in main, its caller"
WORK_SIZE=$(nm -S "$T/calls" | awk '$4 == "work" { print $2 }' | sed 's/^0*//')
is "$(sed -n '/^usyms$/{n;p}' "$HITS" | sed -E 's/^ 0x[0-9a-f]{16} : //' | sort -u)" \
	"work+0x0/0x$WORK_SIZE [calls]" \
	"print_usyms: ' 0xADDR : work+0x0/0xSIZE [calls]', SIZE from the symbol table"
is "$(sed -n '/^brief$/{n;n;p}' "$HITS" | sed 's/+0x[0-9a-f]* / /' | sort -u)" "main [calls]" \
	"print_ubacktrace_brief: main, the caller, as FUNC+0xOFF [MODULE]"

# ---- pretty-printed values: $o$, $o$$, $$parms$ (SystemTap's shapes) ---------------------------

stp pretty <<'EOF'
probe process.function("use_outer") {
	printf("shallow %s\n", $o$)
	printf("deep %s\n", $o$$)
	printf("parms %s\n", $$parms$)
}
probe process.function("twice_scaled") { printf("scaled %s\n", $$parms$$) }
EOF
traced_same "\$o\$, \$o\$\$, \$\$parms\$" "$S" -- "$T/typed" 2
# deep's values as key=value words, in typed's own names
deep_as_typed()
{
	lines deep | sed -E 's/^\{\.id=(-?[0-9]+), \.in=\{\.x=(-?[0-9]+), \.y=(-?[0-9]+), \.tag=.(.).\}.*\.name="([^"]*)", \.label="([^"]*)", \.num=\{\.i=(-?[0-9]+),.*\.bits=\{\.lo=([0-9]+), \.delta=(-?[0-9]+),.*$/id=\1 in_x=\2 in_y=\3 in_tag=\4 name=\5 label=\6 num_i=\7 bits_lo=\8 bits_delta=\9/'
}
same_values "\$o\$\$: every level, the values typed printed" "$(deep_as_typed)" \
	"$(want id in_x in_y in_tag name label num_i bits_lo bits_delta)"
is "$(lines shallow | sed -E 's/0x[0-9a-f]+/P/g; s/-?[0-9]+/N/g; s/"[^"]*"/S/g' | sort -u)" \
	"{.id=N, .in={...}, .arr=[...], .vals=[...], .name=S, .label=S, .num={...}, .color=N, .bits={...}, .ok=N, .ratio=?, .scale=?, <union>={...}, .next=P}" \
	"\$o\$: one level, nested structs and arrays as {...} and [...], floats ?, pointers in hex"
same_values "\$\$parms\$: o=\$o\$" "$(lines parms)" "$(lines shallow | sed 's/^/o=/')"
same_values "\$\$parms\$\$ of twice_scaled(a, b): both structs, every member" "$(lines scaled)" \
	"$(grep ' fn=twice_scaled ' "$PLAIN_OUT" | sed -E "s/.* a_x=(-?[0-9]+) a_y=(-?[0-9]+) b_x=(-?[0-9]+) b_y=(-?[0-9]+) .*/a={.x=\1, .y=\2, .tag='a'} b={.x=\3, .y=\4, .tag='b'}/")"

# ---- errors at their place -------------------------------------------------------------------

# refused NAME LINE COL MESSAGE [ARGS...]: the script in $S is refused with
# status 2 and "$S:LINE:COL: error: MESSAGE".
refused()
{
	local name=$1 line=$2 col=$3 msg=$4
	shift 4
	run_utap "$S" "$@"
	is "$UTAP_RC" 2 "$name: exit status 2"
	ok "$name: $S:$line:$col: $msg" grep -qF "$S:$line:$col: error: $msg" "$UTAP_ERR" ||
		diag_file "$UTAP_ERR"
}
stp badtype <<'EOF'
probe process.function("use_outer") {
	println(@cast($o, "struct nosuch")->id)
}
EOF
refused "@cast to an unknown type" 2 10 "@cast(struct nosuch)->id: unknown type 'struct nosuch'" \
	-c "$T/typed 1"
stp badmember <<'EOF'
probe process.function("use_outer") { println(@cast($o, "struct outer")->nosuch) }
EOF
refused "@cast(...)->nosuch" 1 47 "@cast(struct outer)->nosuch: struct outer has no member 'nosuch'" \
	-c "$T/typed 1"
stp header <<'EOF'
probe process.function("use_outer") { println(@cast($o, "struct outer", "<stdio.h>")->id) }
EOF
refused "@cast from a header" 1 47 "@cast's types from headers" -c "$T/typed 1"
stp defined_what <<'EOF'
probe begin { x = 1; println(@defined(x)) }
EOF
refused "@defined(x)" 1 39 "@defined asks about a context variable, @var or @cast"
stp noprog <<'EOF'
function id(p) { return @cast(p, "struct outer")->id }
probe begin { println(id(0)) }
EOF
refused "@cast in a function, no program" 1 25 "@cast in a function or a begin/end/timer probe"

# ---- a bad pointer: a runtime error, the program runs on -------------------------------------

stp fault <<'EOF'
probe process.function("use_outer") { println(@cast(16, "struct outer")->id) }
probe error { println("error probe ran") }
EOF
run_plain "$T/typed" 2
run_utap -o "$HITS" "$S" -- "$T/typed" 2
is "$UTAP_RC" 1 "@cast of a bad pointer: the script's status is 1 (a runtime error)"
mask "$PLAIN_OUT" >"$TMP/plain.masked"
mask "$UTAP_OUT" >"$TMP/traced.masked"
same_lines "$TMP/traced.masked" "$TMP/plain.masked" "... and the program's output is its own"
ok "@cast of a bad pointer: a user memory fault, at its line" \
	grep -q "ERROR: user memory fault reading '@cast(struct outer)->id' at $S:1:47" "$UTAP_ERR" ||
	diag_file "$UTAP_ERR"
is "$(cat "$HITS")" "error probe ran" "... and the script ends through its error probe"

done_testing
