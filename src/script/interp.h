/* interp.h: the interpreter that runs a checked script's handlers: globals, locals in
 * slots, SystemTap's runtime semantics and limits. */
#ifndef UTAP_SCRIPT_INTERP_H
#define UTAP_SCRIPT_INTERP_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "probe/probe.h"
#include "script/ast.h"

/* SystemTap's limits, settable with -D NAME=VALUE. */
struct script_limits {
	long maxaction;	    /* statements per handler run (MAXACTION, 1000) */
	long maxmapentries; /* entries per array (MAXMAPENTRIES, 2048) */
	long maxstringlen;  /* bytes per string, NUL included (MAXSTRINGLEN, 512) */
	long maxerrors;	    /* runtime errors before the script ends (MAXERRORS, 0) */
	long maxnesting;    /* nested function calls (MAXNESTING, 10) */
};

/* Defaults, then -D NAME=VALUE settings (an unknown name is an error:
 * -EINVAL with a message in ERR). */
void script_limits_default(struct script_limits *lim);
int script_limits_set(struct script_limits *lim, const char *setting, char *err, size_t errlen);

struct interp;

/* What the interpreter knows of the session. */
struct interp_session {
	pid_t target;	   /* target(): the -c or -x process, 0 if none */
	FILE *out;	   /* where print and printf write */
};

/* A running script over checked S (S stays the caller's).  -G NAME=VALUE
 * settings in SET[0..NSET) assign globals first.  0, -EINVAL with ERR
 * (an unknown global, a value of the wrong type), -ENOMEM. */
int interp_new(struct script *s, const struct script_limits *lim,
	       const struct interp_session *session, char **set, int nset, struct interp **out,
	       struct script_error *err);
void interp_free(struct interp *in);

/* Run the handler of probe PROBE (an index into S->probes) for one event:
 * HIT is the probe hit (NULL for begin, end, error, timers), PP the probe
 * point as written (pp()).  Output is flushed at the end of the handler.
 * Runtime errors are reported on stderr as SystemTap does ("ERROR: ...
 * near ... at FILE:LINE:COL") and end the script past MAXERRORS. */
void interp_run(struct interp *in, int probe, const struct probe_hit *hit, const char *pp);

/* A .return probe's entry values: PROBE's @entry expressions and
 * parameters, evaluated at HIT (the function's entry) and kept until the
 * same call returns. */
void interp_save_entry(struct interp *in, int probe, const struct probe_hit *hit, const char *pp);

/* $$provider and $$name of the SDT marker being handled (NULL: none). */
void interp_set_mark(struct interp *in, const char *provider, const char *name);

/* probefunc() and ppfunc() of the hit being handled: FUNC, or (NULL) the
 * hit's symbol. */
void interp_set_func(struct interp *in, const char *func);

/* The script's @casts off code (S->casts), compiled once for the session:
 * CASTS[0..S->ncasts), kept by the caller. */
void interp_set_casts(struct interp *in, const struct probe_arg *casts);

/* target(): the program -c / "--" launched, or -x named. */
void interp_set_target(struct interp *in, pid_t target);

/* The script asked to end (exit(), or too many errors): run the end probes
 * and stop. */
bool interp_exiting(const struct interp *in);
/* Errors so far (the exit status is 1 when there were any). */
int interp_errors(const struct interp *in);

#endif
