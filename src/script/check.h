/* check.h: a parsed script resolved for the interpreter: every variable a slot, every
 * call a function or builtin, every expression a type (inferred as SystemTap does). */
#ifndef UTAP_SCRIPT_CHECK_H
#define UTAP_SCRIPT_CHECK_H

#include "script/ast.h"

/*
 * Resolve S in place: globals and each probe's and function's locals get
 * slots, SE_CALLs their function or builtin (expr->resolved), SE_TARGETs
 * an index into their probe's TARGETS, every expression and variable a
 * type, flowing both ways through assignments, calls and operators until
 * nothing changes.  0, or -EINVAL with ERR filled: a type that cannot be
 * known or does not fit, an unknown function (with the closest names), a
 * misuse (an array without keys, an aggregate read as a number, a local
 * array), a printf format that does not fit its arguments, and what is not
 * supported yet.  ERR->file is S->file.
 */
int script_check(struct script *s, struct script_error *err);

/* Free what script_check added to S (before script_free). */
void script_check_release(struct script *s);

/* "long", "string", "stats". */
const char *script_type_name(enum script_type t);

#endif
