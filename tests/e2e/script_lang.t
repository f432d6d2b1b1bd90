#!/bin/bash
# script_lang.t: the script language on its own (begin, end, timer and
# error probes, no program traced): arithmetic and its wrap-around, errors
# at run time, strings, assignments, arrays and foreach in every order,
# statistics and histograms, functions, try/catch, next, exit, the -D
# limits, -G, script arguments and the preprocessor, --dump-ast, errors in
# scripts, printf. Every expected value is computed here from the inputs
# (bash's own arithmetic, sort, printf), never copied from utap's output.
. "$(dirname "$0")/lib.sh"
require_utap

export LC_ALL=C

# stp NAME: the script on stdin into $TMP/NAME.stp; its path in $S.
stp()
{
	S=$TMP/$1.stp
	cat >"$S"
}

# run_ok DESC ARGS...: utap ARGS exits 0 (else its stderr is shown).
run_ok()
{
	local desc=$1
	shift
	run_utap "$@"
	is "$UTAP_RC" 0 "$desc: exit status 0" || diag_file "$UTAP_ERR"
}

# line KEY: the rest of utap's output line "KEY ..." (the first one).
line() { sed -n "s/^$1 //p" "$UTAP_OUT" | head -n 1; }

# col FILE LINE TEXT: the column (from 1) where TEXT first starts on line
# LINE of FILE.
col()
{
	awk -v l="$2" -v t="$3" 'NR == l { print index($0, t); exit }' "$1"
}

# ---- arithmetic, as bash computes it (64-bit, wrapping, C division) -------

EXPRS=(
	'7 / 2' '-7 / 2' '-7 % 3' '7 % -3' '3 * -4' '010 + 0x10'
	'9223372036854775807 + 1' '-9223372036854775807 - 2' '4611686018427387904 * 4 + 7'
	'(1 << 62) * 2' '1 << 63' '-1 >> 1' '-64 >> 3' '5 & 3' '5 | 3' '5 ^ 3' '~5'
	'!5' '!0' '3 < 4' '4 <= 3' '3 == 3' '3 != 3' '1 && 0' '2 || 0' '-3 > -4'
	'5 > 2 ? 10 : 20' '0 ? 1 : 2 ? 3 : 4' '2 + 3 * 4 - 6 / 2 % 4' '(2 + 3) * 4'
)
stp arith < <(
	echo 'probe begin {'
	for i in "${!EXPRS[@]}"; do
		printf '\tprintln("e%d ", %s)\n' "$i" "${EXPRS[$i]}"
	done
	printf '\texit()\n}\n'
)
run_ok "arithmetic" "$S"
for i in "${!EXPRS[@]}"; do
	is "$(line "e$i")" "$((EXPRS[i]))" "arithmetic: ${EXPRS[$i]}"
done

# Division by zero: an error at the operator, exit 1; the error probe runs
# (or the end probes when there is none).
for op in / %; do
	stp divzero < <(printf 'global x\nprobe begin {\n\ty = 5 %s x\n\tprintln("after")\n}\nprobe end { println("end ran") }\n' "$op")
	run_utap "$S"
	is "$UTAP_RC" 1 "5 $op 0: exit status 1"
	ok "5 $op 0: 'division by 0' at ${S##*/}:3:$(col "$S" 3 "$op")" \
		grep -qF "ERROR: division by 0 at $S:3:$(col "$S" 3 "$op")" "$UTAP_ERR" ||
		diag_file "$UTAP_ERR"
	is "$(cat "$UTAP_OUT")" "end ran" "5 $op 0: the handler stops, end probes run"
	printf 'probe error { println("error ran") }\n' >>"$S"
	run_utap "$S"
	is "$UTAP_RC/$(cat "$UTAP_OUT")" "1/error ran" "5 $op 0: an error probe runs instead of end"
done

# ---- strings -------------------------------------------------------------------

A=abc B=abd C=ab
stp strings <<EOF
probe begin {
	a = "$A"; b = "$B"; c = "$C"
	println("cat ", a . "-" . b . c)
	s = a; s .= b; println("catassign ", s)
	println("cmp ", a < b, a > b, a <= c, a >= c, a == "$A", a != b, c < a)
	println("cond ", a < b ? "less" : "more")
	println("len ", strlen(a . b))
	println("substr ", substr(a . b, 1, 3))
	println("isinstr ", isinstr(a . b, "cab"), isinstr(a, "x"))
	println("replace ", str_replace("$A-$A-$B", "$A", "X"))
	println("strtol ", strtol("ff", 16), " ", strtol("-42", 10), " ", strtol("777", 8))
	println("stringat ", stringat(a, 2))
	println("quoted ", string_quoted(a . b))
	t = tokenize("$A,$B,,$C", ","); toks = t
	while ((t = tokenize("", ",")) != "") toks .= "|" . t
	println("tokens ", toks)
	exit()
}
EOF
run_ok "strings" "$S"
is "$(line cat)" "$A-$B$C" "strings: ."
is "$(line catassign)" "$A$B" "strings: .="
cmpw=
for pair in "$A<$B" "$A>$B" "$A<=$C" "$A>=$C" "$A==$A" "$A!=$B" "$C<$A"; do
	case $pair in
	*'<='*) l=${pair%%<=*} r=${pair#*<=}; [[ $l < $r || $l == "$r" ]] ;;
	*'>='*) l=${pair%%>=*} r=${pair#*>=}; [[ $l > $r || $l == "$r" ]] ;;
	*'=='*) l=${pair%%==*} r=${pair#*==}; [[ $l == "$r" ]] ;;
	*'!='*) l=${pair%%!=*} r=${pair#*!=}; [[ $l != "$r" ]] ;;
	*'<'*) l=${pair%%<*} r=${pair#*<}; [[ $l < $r ]] ;;
	*'>'*) l=${pair%%>*} r=${pair#*>}; [[ $l > $r ]] ;;
	esac && cmpw+=1 || cmpw+=0
done
is "$(line cmp)" "$cmpw" "strings: < > <= >= == != compare bytes"
is "$(line cond)" "$([[ $A < $B ]] && echo less || echo more)" "strings: ?: on a comparison"
is "$(line len)" "$((${#A} + ${#B}))" "strings: strlen of a concatenation"
AB=$A$B
is "$(line substr)" "${AB:1:3}" "strings: substr(s, 1, 3)"
is "$(line isinstr)" "$([[ $AB == *cab* ]] && echo 1 || echo 0)$([[ $A == *x* ]] && echo 1 || echo 0)" \
	"strings: isinstr"
R="$A-$A-$B"
is "$(line replace)" "${R//$A/X}" "strings: str_replace"
is "$(line strtol)" "$((16#ff)) -42 $((8#777))" "strings: strtol in bases 16, 10, 8"
is "$(line stringat)" "$(printf '%d' "'${A:2:1}")" "strings: stringat is the byte's value"
is "$(line quoted)" "\"$AB\"" "strings: string_quoted puts the string in quotes"
is "$(line tokens)" "$A|$B|$C" "strings: tokenize skips empty tokens"

# ---- assignments, ++ and -- (the same statements in bash) ---------------------

STEPS=('x = 1000' 'x += 37' 'x -= 50' 'x *= -3' 'x /= 7' 'x %= 100' 'x <<= 5'
	'x >>= 2' 'x &= 0x7f0' 'x |= 0x10f' 'x ^= 0x3c3' 'y = x++' 'z = ++x' 'w = x--'
	'v = --x' 'u = -x--')
stp assign < <(
	echo 'probe begin {'
	for i in "${!STEPS[@]}"; do
		printf '\t%s; println("s%d ", x)\n' "${STEPS[$i]}" "$i"
	done
	printf '\tprintln("yzwvu ", y, " ", z, " ", w, " ", v, " ", u)\n\texit()\n}\n'
)
run_ok "assignments" "$S"
x=0 y=0 z=0 w=0 v=0 u=0
for i in "${!STEPS[@]}"; do
	((${STEPS[$i]})) || true
	is "$(line "s$i")" "$x" "assignment: ${STEPS[$i]}"
done
is "$(line yzwvu)" "$y $z $w $v $u" "++ and --, prefix and postfix, as values"

# ---- arrays ------------------------------------------------------------------------
#
# a: one string key; n: one number key (numbers sort as numbers); m: two
# keys. Values are distinct so sorting by value has one answer.

declare -A A_IN=([x]=3 [y]=-1 [z]=20 [w]=5 [q]=7)
declare -A N_IN=([9]=90 [10]=1 [100]=50 [-3]=4)
M_IN=("1 b 10" "2 a 20" "1 a 30" "3 c 5" "10 d 7")
stp arrays < <(
	echo 'global n, m, a'
	echo 'probe begin {'
	for k in "${!A_IN[@]}"; do printf '\ta["%s"] = %s\n' "$k" "${A_IN[$k]}"; done
	for k in "${!N_IN[@]}"; do printf '\tn[%s] = %s\n' "$k" "${N_IN[$k]}"; done
	for e in "${M_IN[@]}"; do
		read -r k1 k2 val <<<"$e"
		printf '\tm[%s, "%s"] = %s\n' "$k1" "$k2" "$val"
	done
	cat <<'EOF'
	foreach (k in a) printf("a_any %s=%d\n", k, a[k])
	foreach (k+ in a) printf("a_key_up %s=%d\n", k, a[k])
	foreach (k- in a) printf("a_key_down %s=%d\n", k, a[k])
	foreach (k in a+) printf("a_val_up %s=%d\n", k, a[k])
	foreach (k in a-) printf("a_val_down %s=%d\n", k, a[k])
	foreach (k in a- limit 2) printf("a_limit %s=%d\n", k, a[k])
	foreach (v = [k] in a+) printf("a_valvar %s=%d\n", k, v)
	foreach (j+ in n) printf("n_key_up %d=%d\n", j, n[j])
	foreach (j in n-) printf("n_val_down %d=%d\n", j, n[j])
	foreach ([i, s] in m) printf("m_any %d,%s=%d\n", i, s, m[i, s])
	foreach ([i+, s] in m) printf("m_key1_up %d,%s=%d\n", i, s, m[i, s])
	foreach ([i, s-] in m) printf("m_key2_down %d,%s=%d\n", i, s, m[i, s])
	foreach ([i, s] in m+) printf("m_val_up %d,%s=%d\n", i, s, m[i, s])
	foreach (v = [i, s] in m- limit 3) printf("m_valvar %d,%s=%d\n", i, s, v)
	println("in_a ", "x" in a, " ", "nope" in a)
	println("in_n ", 10 in n, " ", 11 in n)
	println("in_m ", [1, "a"] in m, " ", [1, "c"] in m)
	println("missing ", a["nope"], " ", m[7, "x"])
	delete a["x"]
	println("deleted ", "x" in a, " ", a["x"])
	delete m[1, "a"]
	println("deleted2 ", [1, "a"] in m, " ", [1, "b"] in m)
	cnt = 0
	foreach (k in a) cnt++
	println("after_delete ", cnt)
	delete a
	cnt = 0
	foreach (k in a) cnt++
	println("after_delete_all ", cnt, " ", "y" in a)
	exit()
}
EOF
)
run_ok "arrays" "$S"
# got TAG: TAG's lines of utap, as "key=value".
got() { sed -n "s/^$1 //p" "$UTAP_OUT"; }
a_pairs() { for k in "${!A_IN[@]}"; do echo "$k=${A_IN[$k]}"; done; }
n_pairs() { for k in "${!N_IN[@]}"; do echo "$k=${N_IN[$k]}"; done; }
m_pairs() { local e k1 k2 val; for e in "${M_IN[@]}"; do read -r k1 k2 val <<<"$e"; echo "$k1,$k2=$val"; done; }
same_values "foreach (k in a): every element once" "$(got a_any | sort)" "$(a_pairs | sort)"
same_values "foreach (k+ in a): by key, ascending" "$(got a_key_up)" "$(a_pairs | sort -t= -k1,1)"
same_values "foreach (k- in a): by key, descending" "$(got a_key_down)" "$(a_pairs | sort -t= -k1,1r)"
same_values "foreach (k in a+): by value, ascending" "$(got a_val_up)" "$(a_pairs | sort -t= -k2,2n)"
same_values "foreach (k in a-): by value, descending" "$(got a_val_down)" "$(a_pairs | sort -t= -k2,2nr)"
same_values "foreach (k in a- limit 2)" "$(got a_limit)" "$(a_pairs | sort -t= -k2,2nr | head -n 2)"
same_values "foreach (v = [k] in a+)" "$(got a_valvar)" "$(a_pairs | sort -t= -k2,2n)"
same_values "foreach (k+ in n): number keys sort as numbers" "$(got n_key_up)" "$(n_pairs | sort -t= -k1,1n)"
same_values "foreach (k in n-)" "$(got n_val_down)" "$(n_pairs | sort -t= -k2,2nr)"
same_values "foreach ([i, s] in m): every element once" "$(got m_any | sort)" "$(m_pairs | sort)"
# Sorting by one key leaves ties in any order: compare that key's column.
same_values "foreach ([i+, s] in m): by the first key" "$(got m_key1_up | cut -d, -f1)" \
	"$(m_pairs | cut -d, -f1 | sort -n)"
same_values "foreach ([i, s-] in m): by the second key, descending" \
	"$(got m_key2_down | sed 's/^[^,]*,//; s/=.*//')" "$(m_pairs | sed 's/^[^,]*,//; s/=.*//' | sort -r)"
same_values "foreach ([i, s] in m+): by value" "$(got m_val_up)" "$(m_pairs | sort -t= -k2,2n)"
same_values "foreach (v = [i, s] in m- limit 3)" "$(got m_valvar)" "$(m_pairs | sort -t= -k2,2nr | head -n 3)"
is "$(line in_a)" "1 0" "in: a one-key array (the last global declared)"
is "$(line in_n)" "1 0" "in: number keys (the first global declared)"
is "$(line in_m)" "1 0" "in: two keys (a global declared second)"
is "$(line missing)" "0 0" "a missing element reads as 0"
is "$(line deleted)" "0 0" "delete a[k]: gone, reads 0"
is "$(line deleted2)" "0 1" "delete m[k1, k2]: only that element"
is "$(line after_delete)" "$((${#A_IN[@]} - 1))" "delete a[k]: one element fewer"
is "$(line after_delete_all)" "0 0" "delete a: empty"

# ---- statistics -----------------------------------------------------------------

VALS=() LOGV=() LINV=()
for ((i = 0; i < 60; i++)); do
	VALS+=($(((i * 7919) % 1000 - 200)))
	LOGV+=($(((i * i * i * 37) % 5000)))
	LINV+=($(((i * 7919) % 130 - 10)))
done
LSTART=0 LEND=100 LSTEP=10
stp stats < <(
	echo 'global s, per, lg, ln'
	echo 'probe begin {'
	for v in "${VALS[@]}"; do
		printf '\ts <<< %s; per[%s %% 3] <<< %s\n' "$v" "$v" "$v"
	done
	for v in "${LOGV[@]}"; do printf '\tlg <<< %s\n' "$v"; done
	for v in "${LINV[@]}"; do printf '\tln <<< %s\n' "$v"; done
	cat <<EOF
	printf("stats %d %d %d %d %d\n", @count(s), @sum(s), @min(s), @max(s), @avg(s))
	foreach (k in per @sum-) printf("per_sum %d=%d\n", k, @sum(per[k]))
	foreach (k in per @count+) printf("per_count %d=%d\n", k, @count(per[k]))
	foreach (k+ in per) printf("per_minmax %d=%d,%d\n", k, @min(per[k]), @max(per[k]))
	println("hist_log")
	print(@hist_log(lg))
	println("hist_linear")
	print(@hist_linear(ln, $LSTART, $LEND, $LSTEP))
	println("end_hist")
	exit()
}
EOF
)
run_ok "statistics" "$S"
sum=0 min=${VALS[0]} max=${VALS[0]}
declare -A PSUM=() PCNT=() PMIN=() PMAX=()
for v in "${VALS[@]}"; do
	sum=$((sum + v))
	((v < min)) && min=$v
	((v > max)) && max=$v
	k=$((v % 3))
	PSUM[$k]=$((${PSUM[$k]:-0} + v))
	PCNT[$k]=$((${PCNT[$k]:-0} + 1))
	[ -n "${PMIN[$k]:-}" ] && ((PMIN[$k] <= v)) || PMIN[$k]=$v
	[ -n "${PMAX[$k]:-}" ] && ((PMAX[$k] >= v)) || PMAX[$k]=$v
done
is "$(line stats)" "${#VALS[@]} $sum $min $max $((sum / ${#VALS[@]}))" \
	"@count @sum @min @max @avg of ${#VALS[@]} values"
same_values "foreach (k in per @sum-)" "$(got per_sum)" \
	"$(for k in "${!PSUM[@]}"; do echo "$k=${PSUM[$k]}"; done | sort -t= -k2,2nr)"
same_values "foreach (k in per @count+): the counts" "$(got per_count | cut -d= -f2)" \
	"$(for k in "${!PCNT[@]}"; do echo "${PCNT[$k]}"; done | sort -n)"
same_values "@min and @max of array elements" "$(got per_minmax)" \
	"$(for k in "${!PMIN[@]}"; do echo "$k=${PMIN[$k]},${PMAX[$k]}"; done | sort -t= -k1,1n)"

# rows FROM TO: the histogram rows between utap's lines FROM and TO as
# "BUCKET COUNT BARLEN" ("~" rows, which elide empty ones, dropped).
rows()
{
	sed -n "/^$1\$/,/^$2\$/p" "$UTAP_OUT" |
		awk -F'|' 'NF == 2 && $1 !~ /value/ {
			b = $1; gsub(/ /, "", b)
			n = split($2, w, " "); c = w[n]
			bar = $2; gsub(/[^@]/, "", bar)
			print b, c, length(bar)
		}'
}
# check_hist NAME ROWS WANT: every row's count is the count WANT gives its
# bucket (0 when WANT has none); the rows' counts add up to all the values;
# with at most 50 in a bucket, a row has one @ per value.
check_hist()
{
	local name=$1 rows=$2 want=$3 bad total n
	bad=$(awk 'NR == FNR { w[$1] = $2; next }
		{ c = ($1 in w) ? w[$1] : 0; if ($2 != c || $3 != $2) print $1 ": " $2 " (" $3 " @) want " c }' \
		<(echo "$want") <(echo "$rows") | head -n 5)
	is "$bad" "" "$name: each row counts its bucket's values"
	total=$(echo "$rows" | awk '{ t += $2 } END { print t + 0 }')
	n=$(echo "$want" | awk '{ t += $2 } END { print t + 0 }')
	is "$total" "$n" "$name: the rows hold all $n values"
	is "$(echo "$want" | awk '$2 > 0 { print $1 }' | grep -Fvxf <(echo "$rows" | cut -d' ' -f1) | head -n 3)" \
		"" "$name: every bucket with values has its row"
}
# log2 buckets: 0, then powers of two (and their negatives).
logb()
{
	local v=$1 b=1 m=${1#-}
	((m == 0)) && { echo 0; return; }
	while ((b * 2 <= m)); do b=$((b * 2)); done
	((v < 0)) && echo "-$b" || echo "$b"
}
linb()
{
	local v=$1 b
	((v < LSTART)) && { echo "<$LSTART"; return; }
	b=$((LSTART + (v - LSTART) / LSTEP * LSTEP))
	((b > LEND)) && echo ">$LEND" || echo "$b"
}
check_hist "@hist_log" "$(rows hist_log hist_linear)" \
	"$(for v in "${LOGV[@]}"; do logb "$v"; done | sort | uniq -c | awk '{ print $2, $1 }')"
check_hist "@hist_linear($LSTART, $LEND, $LSTEP)" "$(rows hist_linear end_hist)" \
	"$(for v in "${LINV[@]}"; do linb "$v"; done | sort | uniq -c | awk '{ print $2, $1 }')"

# ---- functions, try/catch, next, exit -------------------------------------------

FIBN=12 FACTN=15 MSG="boom at step 3"
stp funcs <<EOF
global hits, total
function fib(k) { return k < 2 ? k : fib(k - 1) + fib(k - 2) }
function fact:long(k:long) { if (k <= 1) return 1; return k * fact(k - 1) }
function join:string(a:string, b:string, n:long) { return sprintf("%s+%s*%d", a, b, n) }
function bump() { total += 10 }
function shadow(total) { return total * 2 }
probe begin {
	println("fib ", fib(5))
	println("fact ", fact($FACTN))
	println("join ", join("l", "r", 3))
	bump(); bump(); println("total ", total)
	println("shadow ", shadow(21))
	try { error("$MSG") } catch (msg) { println("caught ", msg) }
	try { println("inner ", 1); error("x"); println("not here") } catch { println("bare_catch ", 1) }
	try { try { error("deep") } catch (e) { error("re-" . e) } } catch (e2) { println("nested ", e2) }
	println("after_try ", 1)
}
probe begin(1) { hits++; next; println("not reached") }
probe begin(2) { println("begin2 ", hits) }
probe begin(3) { println("fibn ", fib($FIBN)) }
EOF
printf 'probe begin(4) { exit() }\n' >>"$S"
# SystemTap's MAXNESTING (10) is raised for the deep ones, checked below.
run_ok "functions" -D MAXACTION=100000 -D MAXNESTING=64 "$S"
fib() { local a=0 b=1 i t; for ((i = 0; i < $1; i++)); do t=$b; b=$((a + b)); a=$t; done; echo "$a"; }
fact=1; for ((i = 2; i <= FACTN; i++)); do fact=$((fact * i)); done
is "$(line fib)" "$(fib 5)" "function: recursion (fib 5)"
is "$(line fibn)" "$(fib "$FIBN")" "function: deep recursion (fib $FIBN)"
is "$(line fact)" "$fact" "function: typed long (fact $FACTN)"
is "$(line join)" "l+r*3" "function: typed string with three parameters"
is "$(line total)" "20" "function: assigns a global"
is "$(line shadow)" "42" "function: a parameter named like a global is the parameter"
is "$(line caught)" "$MSG" "try/catch (msg): the message of error()"
is "$(line inner)/$(line bare_catch)" "1/1" "try/catch without a variable"
ok "try: the statement after error() does not run" test -z "$(line 'not')"
is "$(line nested)" "re-deep" "try/catch nested, rethrown"
is "$(line after_try)" "1" "the handler goes on after a catch"
is "$(line begin2)" "1" "next: leaves the handler, the next probe runs"
is "$(grep -c 'not reached' "$UTAP_OUT")" 0 "next: nothing after it runs"

# MAXNESTING: SystemTap's 10 nested calls by default; one more is an error.
stp nesting <<'EOF'
function down(n) { return n ? down(n - 1) + 1 : 0 }
probe begin { println("depth ", down($1)); exit() }
EOF
run_ok "MAXNESTING: down(9) nests 10 calls, the limit" "$S" 9
is "$(line depth)" 9 "MAXNESTING: down(9) returns 9"
run_utap "$S" 10
is "$UTAP_RC" 1 "MAXNESTING: 11 nested calls end the script with status 1"
ok "MAXNESTING: the error says so" grep -q "ERROR: MAXNESTING exceeded" "$UTAP_ERR"
run_ok "MAXNESTING: -D MAXNESTING=20 allows more" -D MAXNESTING=20 "$S" 15
is "$(line depth)" 15 "MAXNESTING: down(15) with the limit raised"

# exit() from a timer: the end probe sees how often it fired.
STOP=3
stp timer <<EOF
global n
probe timer.ms(5) { n++; if (n == $STOP) exit() }
probe end { println("fired ", n) }
EOF
run_ok "timer.ms and exit()" "$S"
ok "timer.ms(5): exit() at $STOP ends the script (fired $(line fired))" \
	test "$(line fired)" -ge "$STOP"

# ---- the -D limits --------------------------------------------------------------------

LOOPS=200
stp maxaction <<EOF
probe begin { for (i = 0; i < $LOOPS; i++) x++; println("x ", x); exit() }
probe end { println("end ", 1) }
EOF
run_ok "MAXACTION above the loop" -D MAXACTION=$((LOOPS * 3)) "$S"
is "$(line x)" "$LOOPS" "MAXACTION above the loop: it completes"
run_utap -D MAXACTION=$((LOOPS / 2)) "$S"
is "$UTAP_RC" 1 "MAXACTION=$((LOOPS / 2)): exit status 1"
ok "MAXACTION=$((LOOPS / 2)): the error names MAXACTION, file and probe" \
	grep -q "^ERROR: .*MAXACTION.* at $S:1:[0-9]* (in probe begin)" "$UTAP_ERR" ||
	diag_file "$UTAP_ERR"
is "$(line x)/$(line end)" "/1" "MAXACTION: the handler stops, the end probe runs"

MAXE=7
stp maxmap <<EOF
global a
probe begin { for (i = 0; i < \$1; i++) a[i] = i; println("n ", i); exit() }
EOF
run_ok "MAXMAPENTRIES=$MAXE, $MAXE entries" -D MAXMAPENTRIES=$MAXE "$S" "$MAXE"
is "$(line n)" "$MAXE" "MAXMAPENTRIES=$MAXE: $MAXE entries fit"
run_utap -D MAXMAPENTRIES=$MAXE "$S" $((MAXE + 1))
is "$UTAP_RC" 1 "MAXMAPENTRIES=$MAXE, $((MAXE + 1)) entries: exit status 1"
ok "MAXMAPENTRIES: the overflow error names the array" \
	grep -q "^ERROR: .*MAXMAPENTRIES.*'a'.* at $S:2:" "$UTAP_ERR" || diag_file "$UTAP_ERR"

WRAP=5 PUT=12
stp wrap <<EOF
global w%[$WRAP], f[$WRAP]
probe begin {
	for (i = 0; i < $PUT; i++) w[i] = i * 10
	foreach (k+ in w) printf("wrap %d=%d\n", k, w[k])
	for (i = 0; i < $WRAP; i++) f[i] = 1
	println("full ", 1)
	f[$WRAP] = 1
	println("not here")
}
EOF
run_utap "$S"
same_values "global w%[$WRAP]: keeps the newest $WRAP of $PUT" "$(got wrap)" \
	"$(for ((i = PUT - WRAP; i < PUT; i++)); do echo "$i=$((i * 10))"; done)"
is "$UTAP_RC/$(line full)" "1/1" "global f[$WRAP]: $WRAP fit, one more is an error"
ok "global f[$WRAP]: the error at the store" grep -q "^ERROR: .* at $S:7:" "$UTAP_ERR" ||
	diag_file "$UTAP_ERR"

# ---- -G, script arguments, the preprocessor --------------------------------------

stp globals <<'EOF'
global num = 1, str = "default"
probe begin { println("num ", num); println("str ", str); exit() }
EOF
run_ok "-G" -G num=-1234 -G str=set_here "$S"
is "$(line num)/$(line str)" "-1234/set_here" "-G NAME=VALUE sets a number and a string global"
run_ok "without -G" "$S"
is "$(line num)/$(line str)" "1/default" "without -G the initial values stay"
stp untyped <<'EOF'
global most, name, unused
probe begin { println("most ", most + 1); println("name ", name . "!"); exit() }
EOF
run_ok "-G on globals with no other type" -G most=41 -G name=set_here "$S"
is "$(line most)/$(line name)" "42/set_here!" "-G gives them their type: a long, a string"
ok "an unused global: SystemTap's warning, not an error" \
	grep -q "^WARNING: Eliding unused variable 'unused' at $S:1:" "$UTAP_ERR"

stp args <<'EOF'
probe begin {
	printf("argc %d\n", $#)
	printf("first %s\n", @1)
%( $# >= 2 %?
	printf("second %d\n", $2 + 1)
	println("branch many")
%:
	println("branch few")
%)
	exit()
}
EOF
run_ok "two arguments" "$S" word 41
is "$(line argc)/$(line first)/$(line second)" "2/word/42" "\$#, @1, \$2 as a number"
is "$(line branch)" "many" "%( \$# >= 2 %? ... %): the true branch"
run_ok "one argument" "$S" solo
is "$(line argc)/$(line first)/$(line branch)" "1/solo/few" \
	"%( ... %: ... %): the false branch, \$2 never read"
run_ok "four arguments" "$S" w 9 x y
is "$(line argc)/$(line second)" "4/10" "\$# counts every argument"
run_utap "$S"
is "$UTAP_RC" 2 "@1 without arguments: exit status 2"
ok "@1 without arguments: the error is at @1 (${S##*/}:3:$(col "$S" 3 @1))" \
	grep -q "^utap: $S:3:$(col "$S" 3 @1): error: " "$UTAP_ERR" || diag_file "$UTAP_ERR"

# ---- --dump-ast: the dump is a script that does the same ---------------------------

for name in arith assign arrays stats funcs args; do
	src=$TMP/$name.stp
	args=()
	[ "$name" = args ] && args=(word 41)
	run_utap --dump-ast "$src" "${args[@]}"
	is "$UTAP_RC" 0 "--dump-ast $name: exit status 0" || diag_file "$UTAP_ERR"
	cp "$UTAP_OUT" "$TMP/$name.dump.stp"
	run_utap --dump-ast "$TMP/$name.dump.stp"
	same_lines "$UTAP_OUT" "$TMP/$name.dump.stp" "--dump-ast $name: dumping the dump changes nothing"
	run_utap -D MAXACTION=100000 "$src" "${args[@]}"
	cp "$UTAP_OUT" "$TMP/$name.want"
	run_utap -D MAXACTION=100000 "$TMP/$name.dump.stp" "${args[@]}"
	same_lines "$UTAP_OUT" "$TMP/$name.want" "--dump-ast $name: the dump prints the same"
done
run_utap --dump-ast "$TMP/arith.stp"
is "$(grep -c '^e0 ' "$UTAP_OUT")" 0 "--dump-ast: runs nothing"

# ---- errors in scripts: file:line:col, the line, a caret, exit 2 ----------------------
#
# Each case: the offending line (line 3 of the script), the text the caret
# must point at, words the message must have, a word the hint must have
# (- for none required).

ERRS=(
	'unknown function|	x = prinln("hi")|prinln|unknown function|println'
	'type mismatch|	x = 1; x = "str"|"str"|string|-'
	'kernel probe point|probe kernel.function("vfs_read") { }|kernel|kernel|process'
	'begin with ()|probe begin() { }|(|begin|-'
	'embedded C|	%{ int x; %}|%{|embedded C|-'
	'syntax error|	y = 2 + }|}|expected|-'
	'not a global array|	foreach (k in nosuch) println(k)|foreach|nosuch|-'
	'wrong argument count|	x = substr("abc")|substr|argument|-'
	'change in its own foreach|	foreach (k in g2) g2[k + 1] = 1|g2[k + 1]|changed inside a foreach|after the loop'
)
for c in "${ERRS[@]}"; do
	IFS='|' read -r desc text at words hint <<<"$c"
	stp err < <(printf 'global g, g2\n# line 2\n%s\nprobe begin { g = 1; g2[1] = 1; exit() }\n' \
		"$([[ $text == probe* ]] && echo "$text" || printf 'probe timer.s(1) {\n%s\n}' "$text")")
	l=$(grep -nF -- "$text" "$S" | head -n 1 | cut -d: -f1)
	cl=$(col "$S" "$l" "$at")
	run_utap "$S"
	is "$UTAP_RC" 2 "$desc: exit status 2"
	first=$(head -n 1 "$UTAP_ERR")
	case $first in
	"utap: $S:$l:$cl: error: "*) pass "$desc: at ${S##*/}:$l:$cl" ;;
	*) fail "$desc: at ${S##*/}:$l:$cl"; diag_file "$UTAP_ERR" ;;
	esac
	ok "$desc: the message says '$words'" grep -qi -- "$words" <<<"$first" || diag "$first"
	# The source line, then the caret under column cl (tabs as printed).
	src=$(sed -n 2p "$UTAP_ERR") caret=$(sed -n 3p "$UTAP_ERR")
	pre=${src%"$(sed -n "${l}p" "$S")"}
	is "$src" "$pre$(sed -n "${l}p" "$S")" "$desc: the source line is shown"
	is "${#caret}" "$((${#pre} + cl))" "$desc: the caret is under column $cl"
	if [ "$hint" != - ]; then
		ok "$desc: a hint with '$hint'" grep -q "hint: .*$hint" "$UTAP_ERR" || diag_file "$UTAP_ERR"
	fi
	is "$(cat "$UTAP_OUT")" "" "$desc: nothing runs"
done

# A script without probes: nothing could ever run (SystemTap: "no probes
# found", exit 1).
for text in '' 'function f() { return 1 }'; do
	stp noprobes < <(printf '%s\n' "$text")
	UTAP_TIMEOUT=2 run_utap "$S" # a refusal is immediate
	is "$UTAP_RC" 2 "no probes ('$text'): refused with exit status 2"
done

# ---- printf, as bash's printf formats the same values ----------------------------------

# FORMAT|utap's arguments|bash's arguments
FMTS=(
	'%d|-42|-42' '%5d|42|42' '%-5d|42|42' '%05d|-42|-42' '%+d|42|42' '%x|255|255'
	'%X|48879|48879' '%#x|255|255' '%o|8|8' '%#o|8|8' '%u|-1|-1' '%s|"hi"|hi'
	'%10s|"hi"|hi' '%-10s|"hi"|hi' '%.3s|"hello"|hello' '%c|65|A' '%%||'
	'%d and %s|7, "x"|7 x' '%-4d:%4d|1, 2|1 2'
)
stp printf < <(
	echo 'probe begin {'
	for i in "${!FMTS[@]}"; do
		IFS='|' read -r f a b <<<"${FMTS[$i]}"
		[ -n "$a" ] && a=", $a"
		printf '\tprintf("p%d [%s]\\n"%s)\n' "$i" "$f" "$a"
	done
	printf '\texit()\n}\n'
)
run_ok "printf" "$S"
for i in "${!FMTS[@]}"; do
	IFS='|' read -r f a b <<<"${FMTS[$i]}"
	# shellcheck disable=SC2086,SC2059 # the arguments are words; the format is data
	is "$(line "p$i")" "[$(printf "$f" $b)]" "printf \"$f\" ($a)"
done

done_testing
