#!/bin/bash
# typed_errors.t: C-level fetches that cannot work are refused before the
# program starts, exit status 2, with a message that helps: the members
# when one is misspelt, the type when '->' meets a non-pointer, the %N form
# when the binary has no DWARF; the target never runs.
. "$(dirname "$0")/lib.sh"
require_utap

TY=$T/typed
# The members of struct outer, as the target lays them out (--layout
# names each top-level member with its offset).
MEMBERS=$("$TY" --layout | tr ' ' '\n' | sed -n 's/^\([a-z]*\)=.*/\1/p' |
	grep -vxE 'inner|outer|in' | sort -u)

# refused DESC REGEX PROBE: utap says REGEX (grep -Ei), exits 2, and the
# target printed nothing.
refused()
{
	local desc=$1 want=$2
	run_utap "$3" -- "$TY" 1
	is "$UTAP_RC" 2 "$desc: exit status 2" || diag_file "$UTAP_ERR"
	# The message and its hint are two lines: match them as one.
	if tr '\n' ' ' <"$UTAP_ERR" | grep -Eiq -- "$want"; then
		pass "$desc: the message says /$want/"
	else
		fail "$desc: the message says /$want/"
		diag_file "$UTAP_ERR"
	fi
	is "$(cat "$UTAP_OUT")" "" "$desc: target not started (no output)"
}

refused "member not found" "struct outer has no member 'nosuch'" \
	"p $TY:use_outer x=\$o->nosuch"
hint=$(sed -n 's/.*hint: its members are //p' "$UTAP_ERR" | tr -d ' ' | tr ',' '\n' | sort -u)
missing=$(comm -23 <(printf '%s\n' "$MEMBERS") <(printf '%s\n' "$hint"))
is "$missing" "" "member not found: the hint lists every member the target lays out"
refused "'->' on an int" "'->x'.*int" "p $TY:use_outer x=\$o->id->x"
refused "'.' on a pointer" "pointer.*use '->'" "p $TY:use_outer x=\$o.id"
refused "a whole struct" "struct inner.*member" "p $TY:use_outer x=\$o->in"
refused "unknown variable" "no variable 'nosuch'.*visible there: o" \
	"p $TY:use_outer x=\$nosuch"
refused "index out of range" "index 9.*int\[4\]" "p $TY:use_outer x=\$o->vals[9]"
refused "unknown cast type" "unknown type 'struct nosuch'" \
	"p $TY:use_outer x=!(struct nosuch *)%di->a"
refused "untyped register" "needs a type.*cast" "p $TY:use_outer x=%ax->id"
refused "a parameter at a return" "not supported yet" "r $TY:use_outer x=\$o->id"
refused "no DWARF" "no DWARF.*%N|no DWARF.*OFF" "p $T/calls-stripped:work x=\$i"
refused "syntax: missing member" "member name" "p $TY:use_outer x=\$o->"
done_testing
