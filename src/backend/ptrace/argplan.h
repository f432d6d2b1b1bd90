/* argplan.h: a probe's C-level arguments ($v->a, !(T *)%ax->f, @g) compiled
 * against DWARF for one site; raw fetches need no compiling. */
#ifndef UTAP_PTRACE_ARGPLAN_H
#define UTAP_PTRACE_ARGPLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "probe/probe.h"

struct dwarf_module;

/* Whether any argument of P needs compiling for its sites. */
bool argplan_wanted(const struct probe *p);

/* Another module's DWARF, for an argument that names one (a script's
 * @cast(..., "PATH") and @var(..., "PATH")): FIND gives the DWARF of the
 * module NAME names (owned by the finder) and its load bias; 0, -EAGAIN
 * when it can only be known later (the argument is left uncompiled), or
 * -errno with ERR filled. */
/* The bias FIND gives for a module not loaded yet: types, no addresses. */
#define ARGPLAN_NO_BIAS UINT64_MAX

struct argplan_modules {
	int (*find)(void *ctx, const char *name, struct dwarf_module **dm, uint64_t *bias,
		    char *err, size_t errlen);
	void *ctx;
};

/* Compile P's arguments for the site at link-time address PC of the
 * module DM describes (NULL: it has no DWARF); BIAS is the module's load
 * bias (0 when not loaded); MODS finds other modules (NULL: none). *OUT
 * gets an array of p->nargs arguments: the compiled ones own their plan,
 * the raw ones share P's; an optional one (a script's @defined) that
 * cannot be compiled is absent instead of an error. For each argument
 * optimized out at PC, WARN (if not NULL) is called with why. Returns 0,
 * or -errno with a message and hint in ERR. */
int argplan_compile(const struct probe *p, struct dwarf_module *dm, uint64_t pc, uint64_t bias,
		    const struct argplan_modules *mods, struct probe_arg **out,
		    void (*warn)(void *ctx, const char *why), void *warn_ctx, char *err,
		    size_t errlen);
void argplan_free(const struct probe *p, struct probe_arg *args);

/* Whether any of the N arguments reads a floating-point register. */
bool argplan_needs_fp(const struct probe_arg *args, size_t n);

/* -S: each argument's plan and format, one "  fetch" line each. */
void argplan_print(FILE *out, const struct probe_arg *args, size_t n);

struct sym_module;
struct resolved;

/* Before anything starts: compile P's arguments at SITE of MOD, whose DWARF
 * is DM (may be NULL), without a load bias; with OUT, print the plans
 * (-S). Returns 0, or -errno with ERR filled. */
int argplan_check_site(const struct probe *p, const struct sym_module *mod,
		       struct dwarf_module *dm, const struct resolved *site, FILE *out,
		       char *err, size_t errlen);

#endif
