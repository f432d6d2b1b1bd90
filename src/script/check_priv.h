/* check_priv.h: what check.c and check_expr.c share; nothing else includes it. */
#ifndef UTAP_SCRIPT_CHECK_PRIV_H
#define UTAP_SCRIPT_CHECK_PRIV_H

#include <stdbool.h>

#include "script/builtins.h"
#include "script/check.h"

/* The locals of the probe or function being checked. */
struct scope {
	char **names;
	enum script_type *types;
	int n;
};

struct checker {
	struct script *s;
	struct script_error *err;
	bool failed;
	bool changed;	   /* this pass learned a type */
	bool changed_last; /* the pass before did */
	bool final;	   /* the last pass: what is unknown now is an error */
	struct scope scope;
	struct script_probe *probe;    /* whose body is checked, or NULL */
	struct script_function *func;  /* or this */
	int loop_depth;
	int in_entry; /* inside @entry(...): what it reads is read at the call */
	/* inside the branch an @defined(...) guards: what it reads may be
	 * absent at a site (compiled as optional) */
	int guarded;
	/* the arrays the foreach loops around the statement iterate: the
	 * loop body must not change them (SystemTap's rule) */
	const char *iterated[16];
	int niterated;
};

/* Report the first error (0 is never returned: -EINVAL). */
int check_fail(struct checker *c, const struct script_pos *pos, const char *hint, const char *fmt,
	       ...) __attribute__((format(printf, 4, 5)));
/* *HAVE learns T, or they must agree ("WHAT is a long, used as a string"). */
int check_unify(struct checker *c, enum script_type *have, enum script_type t,
		const struct script_pos *pos, const char *what);
struct script_global *check_global(struct checker *c, const char *name);
/* The slot of local NAME in the current scope (made if new), or -ENOMEM. */
int check_local(struct checker *c, const char *name);
/* G is used as an array with NKEYS keys: it must be one, always with as many. */
int check_array(struct checker *c, struct script_global *g, int nkeys,
		const struct script_pos *pos);

int check_stmt(struct checker *c, struct script_stmt *st);
/* Check E where the context wants type WANT (ST_UNKNOWN: anything). */
int check_expr(struct checker *c, struct script_expr *e, enum script_type want);
/* delete E. */
int check_delete(struct checker *c, struct script_expr *e);

/* check_target.c: $x, @var(...), @cast(...): a fetch compiled per site
 * (or, for a @cast off code, once for the session). */
int check_target(struct checker *c, struct script_expr *e);
/* @entry(E): E evaluated when the function was entered. */
int check_at_entry(struct checker *c, struct script_expr *e, enum script_type want);
/* @defined(E). */
int check_defined(struct checker *c, struct script_expr *e);
/* Whether condition E is an @defined(...) that is 0 wherever it runs (a
 * context variable in a function, or in a probe not on code): what it
 * guards is never run, and not checked. */
bool check_never(const struct script_expr *e);
/* Whether condition E holds only where an @defined(...) in it is 1 (it is
 * one, or one side of an &&): the branch it guards may read what is
 * absent elsewhere. */
bool check_guards(const struct script_expr *e);

#endif
