/* alloc_fns.c: the allocator functions utap leaks probes, and their probes. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/leaks/internal.h"

const char *const leak_fn_names[FN_COUNT] = {
	[FN_MALLOC] = "malloc",
	[FN_CALLOC] = "calloc",
	[FN_REALLOC] = "realloc",
	[FN_REALLOCARRAY] = "reallocarray",
	[FN_FREE] = "free",
	[FN_POSIX_MEMALIGN] = "posix_memalign",
	[FN_ALIGNED_ALLOC] = "aligned_alloc",
	[FN_MEMALIGN] = "memalign",
	[FN_VALLOC] = "valloc",
	[FN_PVALLOC] = "pvalloc",
};

/* The probes, in order: each function's entry, then its return (but
 * free's, which returns nothing we need). */
static bool has_return(int fn)
{
	return fn != FN_FREE;
}

void leak_fns_of_probe(int index, enum leak_fn *fn, bool *at_return)
{
	for (int f = 0; f < FN_COUNT; f++) {
		if (index == 0 || (index == 1 && has_return(f))) {
			*fn = (enum leak_fn)f;
			*at_return = index == 1;
			return;
		}
		index -= has_return(f) ? 2 : 1;
	}
	*fn = FN_COUNT; /* not ours */
	*at_return = false;
}

static int add(struct options *opts, enum leak_fn fn, bool ret)
{
	struct probe *p = &opts->probes[opts->nprobes];

	p->index = (int)opts->nprobes++;
	snprintf(p->name, sizeof(p->name), "%c%d", ret ? 'r' : 'p', p->index);
	p->kind = ret ? PROBE_RETURN : PROBE_ENTRY;
	p->any_module = true;
	p->copies = COPIES_OUT_OF_LINE; /* called from outside, never inlined there */
	p->bin = strdup("*");
	p->sym = strdup(leak_fn_names[fn]);
	if (asprintf(&p->text, "%c *:%s", ret ? 'r' : 'p', leak_fn_names[fn]) < 0)
		p->text = NULL;
	return p->bin && p->sym && p->text ? 0 : -ENOMEM;
}

int leak_fns_probes(struct options *opts)
{
	opts->probes = calloc(2 * FN_COUNT, sizeof(*opts->probes));
	if (!opts->probes)
		return -ENOMEM;
	opts->nprobes = 0;
	for (int fn = 0; fn < FN_COUNT; fn++) {
		if (add(opts, fn, false) < 0 || (has_return(fn) && add(opts, fn, true) < 0))
			return -ENOMEM;
	}
	return 0;
}
