/* stacks.h: how the stacks targets record their own call chain, to print what an unwinder should see. */
#ifndef UTAP_TARGETS_STACKS_H
#define UTAP_TARGETS_STACKS_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* dladdr */
#endif
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probed.h"

#define ST_MAX 64

/*
 * One run of the chain. Every chain function pushes its name, source file
 * and an address in its module as it is entered and, just before its one
 * call, the line of that call: what a stack trace taken in the leaf shows
 * for its frame (the caller frames' FILE:LINE is the line of the call).
 *
 * The calls that cross modules go through the pointers below, so no module
 * needs another's symbols (no -rdynamic, no link between the libraries).
 */
struct st_chain {
	int depth;
	const char *name[ST_MAX];
	const char *file[ST_MAX];
	const void *module[ST_MAX];	/* an address in the function's module */
	int line[ST_MAX];
	int rec;	/* st_rec frames still to make (recursion mode) */
	int (*exe3)(struct st_chain *c, int x);	/* the executable's callback */
	int (*dl4)(struct st_chain *c, int x);	/* from dlsym() */
	int (*lib6)(struct st_chain *c, int x);	/* for the dlopen()ed library */
	int (*after6)(struct st_chain *c, int x);	/* st_leaf, or st_rec */
};

/* Each module (executable or library) that includes this has its own. */
static const char st_anchor = 0;

/* libstacks.c, linked: the executable calls st_lib2 and hands out st_lib6. */
int st_lib2(struct st_chain *c, int x);
int st_lib6(struct st_chain *c, int x);

/* Push NAME for the function being entered. */
#define ST_ENTER_AS(c, nm)                                                  \
	((c)->name[(c)->depth] = (nm), (c)->file[(c)->depth] = __FILE__,   \
	 (c)->module[(c)->depth] = &st_anchor, (c)->line[(c)->depth] = 0,  \
	 (c)->depth++)
#define ST_ENTER(c) ST_ENTER_AS(c, __func__)
/* CALL, noting the line it is made from; keep each use on one line. */
#define ST_CALL(c, call) ((c)->line[(c)->depth - 1] = __LINE__, (call))
#define ST_LEAVE(c) ((c)->depth--)

/* The absolute path of the file mapped at ADDR, as /proc/PID/maps names it. */
static inline const char *st_module_path(const void *addr, char *buf)
{
	Dl_info here, there;

	if (!dladdr(&st_anchor, &here) || !dladdr(addr, &there))
		return "?";
	/* The executable's dli_fname is argv[0], whatever that was. */
	if (there.dli_fbase == here.dli_fbase) {
		ssize_t len = readlink("/proc/self/exe", buf, PATH_MAX - 1);

		if (len < 0)
			return "?";
		buf[len] = '\0';
		return buf;
	}
	return realpath(there.dli_fname, buf) ? buf : "?";
}

/*
 * The chain as seen from the leaf, innermost first:
 *   chain: NAME SEP NAME ...
 *   sites: FILE FILE:LINE ...
 *   modules: PATH PATH ...
 * The leaf's site is its file alone: where a probe at its entry stands is
 * the compiler's choice of line, not something the program knows.
 * Call it from the executable (it tells the executable by its st_anchor).
 */
static inline void st_print(const struct st_chain *c, const char *sep)
{
	char path[PATH_MAX];
	int i;

	printf("chain:");
	for (i = c->depth - 1; i >= 0; i--)
		printf("%s%s", i == c->depth - 1 ? " " : sep, c->name[i]);
	printf("\nsites:");
	for (i = c->depth - 1; i >= 0; i--) {
		if (i == c->depth - 1)
			printf(" %s", c->file[i]);
		else
			printf(" %s:%d", c->file[i], c->line[i]);
	}
	printf("\nmodules:");
	for (i = c->depth - 1; i >= 0; i--)
		printf(" %s", st_module_path(c->module[i], path));
	printf("\n");
}

#endif
