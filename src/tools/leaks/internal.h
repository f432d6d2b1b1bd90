/* internal.h: what the parts of utap leaks share: the allocator functions,
 * the live blocks, the freed ones, interned stacks, the report. */
#ifndef UTAP_LEAKS_INTERNAL_H
#define UTAP_LEAKS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "backend/backend.h"
#include "options.h"
#include "tools/leaks/addrmap.h"

/* ---- the allocator's functions (alloc_fns.c) ---- */

enum leak_fn {
	/* memalign before aligned_alloc: where one is the other's alias
	 * (glibc before 2.38) the first probed names the block */
	FN_MALLOC, FN_CALLOC, FN_REALLOC, FN_REALLOCARRAY, FN_FREE, FN_POSIX_MEMALIGN,
	FN_MEMALIGN, FN_ALIGNED_ALLOC, FN_VALLOC, FN_PVALLOC, FN_COUNT
};

extern const char *const leak_fn_names[FN_COUNT];

/* The probes utap leaks plants: an entry probe for each function and a
 * return probe for each but free, in every module that defines them.
 * Fills OPTS->probes; 0 or -ENOMEM. */
int leak_fns_probes(struct options *opts);
/* Which function and whether the return, for probe INDEX. */
void leak_fns_of_probe(int index, enum leak_fn *fn, bool *at_return);

/* ---- interned call stacks, named once (stacks.c) ---- */

struct leak_frame {
	uint64_t addr;
	char *text; /* probe_frame_format's "0x... work+0x1f (targets/x.c:20)" */
	char *sym, *module, *file;
	uint64_t off;
	int line;
};

struct leak_stacks {
	struct addrmap frames;   /* addr -> index + 1 into FRAME */
	struct leak_frame *frame;
	size_t nframe, frame_cap;
	struct addrmap by_hash;  /* hash -> first stack id + 1 with that hash */
	struct leak_stack {
		uint32_t first;  /* into IDS */
		uint32_t n;
		uint32_t next_same_hash; /* id + 1, 0: none */
	} *stack;
	size_t nstack, stack_cap;
	uint32_t *ids;           /* frame indexes of every stack, one after another */
	size_t nids, ids_cap;
};

#define LEAK_NO_STACK UINT32_MAX

void leak_stacks_init(struct leak_stacks *s);
void leak_stacks_free(struct leak_stacks *s);
/* The id of the stack FRAMES[0..N) (innermost first), naming new frames;
 * LEAK_NO_STACK when out of memory or N is 0. */
uint32_t leak_stacks_intern(struct leak_stacks *s, const struct probe_frame *frames, int n);
/* Frame I of stack ID, and how many it has. */
const struct leak_frame *leak_stacks_frame(const struct leak_stacks *s, uint32_t id, uint32_t i);
uint32_t leak_stacks_depth(const struct leak_stacks *s, uint32_t id);

/* ---- the program's blocks (track.c) ---- */

enum leak_class { LEAK_DEFINITE, LEAK_INDIRECT, LEAK_POSSIBLE, LEAK_REACHABLE,
		  LEAK_UNSCANNED, LEAK_NCLASSES };

struct leak_block {
	uint64_t size;
	uint64_t time_ns;   /* CLOCK_MONOTONIC, when allocated */
	uint32_t stack;     /* where */
	pid_t tid;
	uint8_t fn;         /* enum leak_fn that allocated it */
};

struct leak_freed {
	uint64_t size;
	uint32_t alloc_stack; /* LEAK_NO_STACK: allocated before we attached */
	uint32_t free_stack;
	uint64_t seq;         /* its place in the eviction ring */
	pid_t tid;
	uint8_t fn;           /* what freed it */
	uint8_t alloc_fn;     /* what allocated it */
};

/* Freed blocks remembered, to tell a double free from a wild one. */
#define LEAK_FREED_MAX (1u << 18)

struct leak_opts {
	int stack_depth;
	bool strict, abort_on_error, json, show_reachable;
	double interval;    /* -i SECS: a report every SECS, 0: none */
	double older_than;  /* --older-than SECS: periodic reports show older blocks only */
};

struct leak_counts {
	uint64_t double_frees, invalid_frees, freed_reallocs, unknown_frees;
	uint64_t allocs, frees;
};

struct leaks {
	const struct leak_opts *opts;
	FILE *out;
	pid_t pid;            /* the main process */
	bool attached;        /* blocks older than the attach are unknown */
	uint64_t start_ns;
	struct addrmap blocks;    /* addr -> struct leak_block */
	struct addrmap freed;     /* addr -> struct leak_freed */
	uint64_t *freed_ring;     /* LEAK_FREED_MAX addresses, oldest first */
	uint64_t freed_seq;
	struct addrmap threads;   /* tid -> struct leak_thread */
	struct leak_stacks stacks;
	struct probe_frame *frames; /* opts->stack_depth of them, for take_stack */
	char **alloc_modules;     /* the files whose allocator functions were hit */
	size_t nalloc_modules;
	uint64_t *dead_tls;       /* thread pointers of threads that ended */
	size_t ndead_tls, dead_tls_cap;
	struct leak_counts counts;
	uint64_t next_report_ns;
	bool final_done;          /* the report at exit or detach was printed */
	bool out_of_memory;       /* said once */
};

/* A thread's allocator calls in progress, innermost last. */
#define LEAK_NEST_MAX 8
struct leak_thread {
	uint64_t tls;             /* its thread pointer, when seen */
	int depth;
	struct leak_call {
		uint64_t frame;   /* the return-address slot (probe_hit.frame) */
		uint64_t ip;      /* the function's address */
		uint64_t arg[3];
		uint8_t fn;
		bool outer;       /* not called by another allocator function */
	} call[LEAK_NEST_MAX];
};

int leaks_init(struct leaks *lk, const struct leak_opts *opts, FILE *out);
void leaks_free(struct leaks *lk);
/* The backend's hooks, DATA a struct leaks. */
void leaks_hit(void *data, const struct probe_hit *hit);
void leaks_life(void *data, enum backend_life what, const struct probe_hit *hit);
void leaks_exec(void *data, const struct probe_hit *hit);
/* Is PATH (as the process maps it) a file whose allocator functions the
 * program called? */
bool leaks_is_allocator(const struct leaks *lk, const char *path);

/* ---- errors caught while it runs (errors.c) ---- */

enum leak_error { ERR_DOUBLE_FREE, ERR_INVALID_FREE, ERR_FREED_REALLOC, ERR_UNKNOWN_FREE };

/* Print an error: FN called on ADDR by the hit's thread, with the stack
 * NOW (where it happened); FREED, when the block was freed before. */
void leak_report_error(struct leaks *lk, enum leak_error what, enum leak_fn fn, uint64_t addr,
		       const struct probe_hit *hit, uint32_t now, const struct leak_freed *freed);

/* ---- the scan and the report (scan.c, report.c) ---- */

/* One live block as the scan and the report see it. */
struct leak_entry {
	uint64_t addr;
	const struct leak_block *b;
	uint8_t cls;     /* enum leak_class */
	uint8_t scanned; /* its contents were scanned in the current pass */
};

/* Classify every block as memcheck does, from SNAP (NULL: the memory is
 * gone, every block LEAK_UNSCANNED).  ENTRIES sorted by address. */
void leak_scan(struct leaks *lk, const struct backend_snapshot *snap, struct leak_entry *entries,
	       size_t n);
/* The report: records grouped by stack and class, and the summary. WHY
 * says when ("at exit", "on detach", "after 5.0 s"); blocks younger than
 * MIN_AGE_NS are left out. */
void leak_print_report(struct leaks *lk, const char *why, const struct leak_entry *entries,
		       size_t n, uint64_t min_age_ns);
/* Take a snapshot's (or the end's, SNAP NULL) report. */
void leaks_report(struct leaks *lk, const struct backend_snapshot *snap, const char *why,
		  uint64_t min_age_ns);

/* ---- output helpers (report.c) ---- */
void leak_print_stack(struct leaks *lk, uint32_t id, const char *indent);
void leak_json_stack(struct leaks *lk, uint32_t id);
void leak_json_string(FILE *out, const char *s);

#endif
