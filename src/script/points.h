/* points.h: what a script's probe point names: an event of the session (begin, end,
 * error, a timer) or code in a program, as the one-liner probe that plants it. */
#ifndef UTAP_SCRIPT_POINTS_H
#define UTAP_SCRIPT_POINTS_H

#include <stdint.h>

#include "probe/probe.h"
#include "script/ast.h"

enum script_point_kind {
	POINT_BEGIN,
	POINT_END,
	POINT_ERROR,
	POINT_TIMER,
	POINT_CODE, /* a function's entry or return, or a statement */
	POINT_MARK, /* SDT markers: ONELINER is the file, MARK the name (a glob) */
	/* a traced process or thread begins or ends */
	POINT_PROCESS_BEGIN,
	POINT_PROCESS_END,
	POINT_THREAD_BEGIN,
	POINT_THREAD_END,
	POINT_NEVER, /* never: its handler never runs (it only gives types) */
};

struct script_where {
	enum script_point_kind kind;
	int64_t priority;   /* begin(N), end(N), error(N): lower runs first */
	uint64_t period_ns; /* POINT_TIMER */
	/* POINT_CODE: the one-liner that plants it without its fetches:
	 * "p BIN:SYM", "r BIN:SYM", "p BIN:SYM@FILE:LINE", "p BIN:FILE:LINE"
	 * (malloc'ed) */
	char *oneliner;
	bool is_return;
	char *mark;
	/* POINT_CODE: what the one-liner cannot say (see struct probe) */
	enum probe_copies copies;
	char *line_func; /* statement("FUNC@FILE:LINE")'s FUNC, or NULL */
	/* how pp() shows a hit of it: 'f' .function(...), 's' .statement(...);
	 * SUFFIX follows (".call", ".return", ".inline" or ""); LIBRARY: the
	 * point names a library of the program PROGRAM */
	char pp_kind;
	const char *suffix;
	bool library;
	char *program;
};

/* The program a script's bare process(...) means: -c / -x / "--"'s. */
struct script_target {
	const char *bin; /* its path, or NULL: none */
	long pid;	 /* -x PID's, or 0 */
};

/* What POINT names.  TARGET is the program -c / -x / "--" gives, for a
 * bare process.function(...) and process(PID).  0, or -EINVAL with ERR
 * filled (position, message, hint): kernel probe points, unknown or
 * misused components, and those not supported yet, each said plainly. */
int script_point_where(const struct script_point *point, const struct script_target *target,
		       struct script_where *out, struct script_error *err);
void script_where_free(struct script_where *w);

/* The probe point as written ("process(\"./prog\").function(\"main\").call"),
 * into BUF. */
void script_point_text(const struct script_point *point, char *buf, size_t n);

#endif
