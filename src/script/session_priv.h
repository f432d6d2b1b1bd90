/* session_priv.h: what the files of a script's session share (session.c, marks.c,
 * guard.c); nothing else includes it. */
#ifndef UTAP_SCRIPT_SESSION_PRIV_H
#define UTAP_SCRIPT_SESSION_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "options.h"
#include "script/ast.h"
#include "script/interp.h"
#include "script/points.h"
#include "sym/sym.h"
#include "util/clock.h"

/* A session event: a begin, end, error or timer probe. */
struct event {
	int probe; /* into s->probes */
	int64_t priority;
	uint64_t period_ns, due;
	char pp[256];
};

struct session {
	struct options *opts;
	struct script *s;
	struct interp *in;
	struct event *begins, *ends, *errors, *timers;
	int nbegins, nends, nerrors, ntimers;
	/* process/thread begin/end probes, by enum backend_life */
	struct event *lives[4];
	int nlives[4];
	/* per planted probe (opts->probes[i]): its script probe and point,
	 * and whether it only takes a .return probe's entry values */
	int *probe_of;
	bool *saves_entry;
	struct sym_sdt **mark_of; /* the SDT marker it is at (a copy), or NULL */
	struct sym_module **marked;     /* files whose markers are probed */
	int nmarked;
	char (*pp_of)[256];
	pid_t target;
	FILE *out;
	uint64_t pass_start; /* -v: when this pass began */
	/* the overload guard, per one-second window */
	uint64_t window;       /* its start */
	uint64_t handler_ns;   /* spent in handlers in it */
	long *hits;            /* per script probe, in it */
	uint64_t *probe_ns;    /* per script probe, in it */
	bool *disabled;        /* per script probe */
	/* pp() of hits (pp.c): how each planted probe's shows, and those made */
	struct pp_form *forms;
	int nforms;
	struct pp_entry *pps;
	size_t npp, pp_cap;
	/* the script's @casts off code, compiled once (fetches.c), and the
	 * DWARF opened for them */
	struct probe_arg *casts;
	int ncasts;
	struct session_dwarf {
		char *path;
		struct dwarf_module *dm;
	} *dwarfs;
	int ndwarfs;
};

/* fetches.c: whether fetch TARGET of a script probe is written in the
 * one-liner syntax ($x, @x) rather than built (lists, casts, @var of a
 * file or module). */
bool session_fetch_is_oneliner(const char *target);
/* fetches.c: P's arguments in the order of SP's fetches (AT_ENTRY: those
 * taken at the call): the one-liner parsed ones, the others built; those
 * read in @defined(...) optional.  0 or -ENOMEM. */
int session_place_fetches(struct probe *p, const struct script_probe *sp, bool at_entry);
/* fetches.c: the script's @casts off code, compiled from their module's
 * DWARF (or PROGRAM's) into ss->casts.  0, -EINVAL (reported), -ENOMEM. */
int session_compile_casts(struct session *ss, const char *program);
void session_fetches_free(struct session *ss);

/* pp.c: how pp() shows the hits of a planted probe. */
struct pp_form {
	char kind;	    /* 'f' function, 's' statement; 0: as written */
	const char *suffix; /* ".call", ".return", ".inline", "" */
	bool library;	    /* process("PROGRAM").library("MODULE") */
	char *program;	    /* absolute */
};

/* pp.c: planted probe IDX shows as W says (0 or -ENOMEM). */
int session_pp_form(struct session *ss, int idx, const struct script_where *w);
/* pp.c: HIT's probe points as SystemTap resolves them (the function,
 * file and line of the site): how many, *PP pointing to them and *FUNC to
 * the functions they are about (NULL: the hit's symbol).  More than one
 * when the probe's pattern names several functions beginning at the site;
 * 0 when the site has no where (the point as written is the one). */
int session_hit_pp(struct session *ss, int idx, const struct probe_hit *hit, const char ***pp,
		   const char ***func);
void session_pp_free(struct session *ss);

/* The first error of a script, where it is and why, on stderr. */
void session_report(const struct script_error *err, const char *source);

/* A planted probe for a code point of script probe P (MARK: at that SDT
 * marker; SAVES_ENTRY: the hidden one taking a .return probe's values at
 * the call).  0, -EINVAL (reported) or -ENOMEM. */
int session_add_code_probe(struct session *ss, int p, const struct script_where *w,
			   const char *pp, const struct script_point *point, bool saves_entry,
			   const struct sym_sdt *mark);

/* marks.c: $argN of marker MARK as a one-liner fetch into BUF: 0, or
 * -EINVAL with a message in BUF. */
int session_mark_arg(const struct sym_sdt *mark, const char *target, char *buf, size_t n);
/* marks.c: a probe at each marker W names.  0, -EINVAL (reported), -ENOMEM. */
int session_add_mark_probes(struct session *ss, int p, const struct script_where *w,
			    const struct script_point *point);

/* guard.c: the overload guard's one-second window starts at NOW; a
 * handler of P ran from T0 to T1; script probe P is stopped for WHY. */
#define WINDOW_NS 1000000000u
void session_new_window(struct session *ss, uint64_t now);
void session_account(struct session *ss, int p, uint64_t t0, uint64_t t1);
void session_disable(struct session *ss, int p, const char *why);

#endif
