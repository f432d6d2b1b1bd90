/* scan.c: memcheck's leak classification, done the same way: a
 * conservative scan for pointers into blocks from the roots (the modules'
 * writable segments, every live thread's stack and registers), then
 * through the blocks reached; blocks nothing reaches are lost, and those
 * reached only from a lost block are lost indirectly. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "proc/maps.h"
#include "tools/leaks/internal.h"

#define CHUNK (64 * 1024)

struct scan {
	const struct arch_mem *mem;
	struct leak_entry *e;
	size_t n;
	size_t *work;
	size_t nwork, cap;
	uint8_t clique_mode;  /* flooding from a lost block */
	size_t leader;
	uint64_t *buf;
	bool failed;          /* out of memory: the classes are a lower bound */
};

/* The block ADDR points into (its start, or inside it), or -1. */
static ssize_t find_block(const struct scan *sc, uint64_t addr)
{
	size_t lo = 0, hi = sc->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (sc->e[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return -1;
	lo--;
	if (addr == sc->e[lo].addr || addr - sc->e[lo].addr < sc->e[lo].b->size)
		return (ssize_t)lo;
	return -1;
}

/* Does [START, END) hold a block?  Then it is the allocator's memory (a
 * heap, an arena, a large block's own mapping), not a root. */
static bool holds_blocks(const struct scan *sc, uint64_t start, uint64_t end)
{
	size_t lo = 0, hi = sc->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (sc->e[mid].addr < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < sc->n && sc->e[lo].addr < end;
}

static void push(struct scan *sc, size_t i)
{
	if (sc->nwork == sc->cap) {
		size_t cap = sc->cap ? sc->cap * 2 : 1024;
		size_t *grown = realloc(sc->work, cap * sizeof(*grown));

		if (!grown) {
			sc->failed = true;
			return;
		}
		sc->work = grown;
		sc->cap = cap;
	}
	sc->work[sc->nwork++] = i;
}

/* How the words of a range point into blocks. */
enum ptr_mode {
	PTR_ANY,   /* to the start: reachable; inside: possibly lost */
	PTR_EXACT, /* only to the start (the allocator's own data points into
		    * its chunks' headers, which lie inside the blocks before) */
	PTR_KEEPS, /* anywhere inside keeps the block: the C library's thread
		    * descriptor holds its blocks so (the DTV at +8) */
};

/* A word that may point into a block. */
static void consider(struct scan *sc, uint64_t word, enum ptr_mode mode)
{
	ssize_t i = find_block(sc, word);
	struct leak_entry *e;
	uint8_t want;

	if (i < 0)
		return;
	e = &sc->e[i];
	if (sc->clique_mode) {
		/* an unreached block (or an earlier leader) reached from this
		 * lost block is lost through it */
		if ((size_t)i == sc->leader || e->cls != LEAK_DEFINITE)
			return;
		e->cls = LEAK_INDIRECT;
		e->scanned = 1;
		push(sc, (size_t)i);
		return;
	}
	if (word != e->addr && mode == PTR_EXACT)
		return;
	want = word == e->addr || mode == PTR_KEEPS ? LEAK_REACHABLE : LEAK_POSSIBLE;
	if (want > e->cls) {
		e->cls = want;
		push(sc, (size_t)i);
	}
}

static void scan_range(struct scan *sc, uint64_t start, uint64_t end, enum ptr_mode mode)
{
	start = (start + 7) & ~(uint64_t)7;
	while (start + 8 <= end) {
		size_t n = end - start > CHUNK ? CHUNK : (size_t)(end - start) & ~(size_t)7;

		if (sc->mem->read(sc->mem->ctx, start, sc->buf, n) == 0) {
			for (size_t k = 0; k < n / 8; k++)
				consider(sc, sc->buf[k], mode);
		}
		start += n;
	}
}

static void drain(struct scan *sc)
{
	while (sc->nwork) {
		const struct leak_entry *e = &sc->e[sc->work[--sc->nwork]];

		scan_range(sc, e->addr, e->addr + e->b->size, PTR_ANY);
	}
}

static enum ptr_mode module_mode(const struct leaks *lk, const char *path)
{
	return leaks_is_allocator(lk, path) ? PTR_EXACT : PTR_ANY;
}

static bool writable(const struct proc_map *m)
{
	return m->perms[0] == 'r' && m->perms[1] == 'w';
}

/* Is MAP a live thread's stack?  Its stack pointer then, else 0. */
static uint64_t live_sp_in(const struct backend_snapshot *snap, const struct proc_map *m)
{
	for (size_t t = 0; t < snap->nthreads; t++) {
		uint64_t sp = arch_sp(snap->threads[t].regs);

		if (sp >= m->start && sp < m->end)
			return sp;
	}
	return 0;
}

static void scan_roots(struct scan *sc, struct leaks *lk, const struct backend_snapshot *snap,
		       const struct proc_maps *maps)
{
	/* Code running at a stop may keep data just below its stack
	 * pointer; at the exit stop nothing does. */
	uint64_t red_zone = snap->why == SNAPSHOT_EXIT ? 0 : ARCH_STACK_RED_ZONE;

	for (size_t i = 0; i < maps->n; i++) {
		const struct proc_map *m = &maps->map[i], *prev = i ? &maps->map[i - 1] : NULL;
		uint64_t sp = live_sp_in(snap, m);

		if (!writable(m) || holds_blocks(sc, m->start, m->end))
			continue;
		if (sp) {
			scan_range(sc, sp - red_zone < m->start ? m->start : sp - red_zone, m->end,
				   PTR_ANY);
		} else if (m->path[0] == '/') {
			scan_range(sc, m->start, m->end, module_mode(lk, m->path));
		} else if (!m->path[0] && prev && prev->path[0] == '/' && writable(prev) &&
			   prev->end == m->start) {
			/* the zero-filled rest of a module's data (.bss) */
			scan_range(sc, m->start, m->end, module_mode(lk, prev->path));
		} else if (!m->path[0]) {
			/* The main thread's TLS, set up by the dynamic linker
			 * outside any stack. */
			for (size_t t = 0; t < snap->nthreads; t++) {
				uint64_t tls = arch_tls_base(snap->threads[t].regs);

				if (tls >= m->start && tls < m->end) {
					scan_range(sc, m->start, m->end, PTR_ANY);
					break;
				}
			}
		}
		/* Thread descriptors, live threads' and those of threads that
		 * ended (at the top of a stack the C library keeps for reuse),
		 * from the thread pointer to the end of their mapping. */
		for (size_t t = 0; t < snap->nthreads; t++) {
			uint64_t tls = arch_tls_base(snap->threads[t].regs);

			if (tls >= m->start && tls < m->end)
				scan_range(sc, tls, m->end, PTR_KEEPS);
		}
		for (size_t t = 0; t < lk->ndead_tls; t++) {
			uint64_t tls = lk->dead_tls[t];

			if (!sp && tls >= m->start && tls < m->end)
				scan_range(sc, tls, m->end, PTR_KEEPS);
		}
	}
	for (size_t t = 0; t < snap->nthreads; t++) {
		uint64_t words[32];
		size_t n = arch_regs_values(snap->threads[t].regs, words, 32);

		for (size_t k = 0; k < n; k++)
			consider(sc, words[k], PTR_ANY);
	}
}

void leak_scan(struct leaks *lk, const struct backend_snapshot *snap, struct leak_entry *entries,
	       size_t n)
{
	struct scan sc = {.mem = snap ? snap->mem : NULL, .e = entries, .n = n};
	struct proc_maps maps;

	for (size_t i = 0; i < n; i++) {
		entries[i].cls = snap ? LEAK_DEFINITE : LEAK_UNSCANNED;
		entries[i].scanned = 0;
	}
	if (!snap || !n)
		return;
	sc.buf = malloc(CHUNK);
	if (!sc.buf || proc_maps_read(snap->pid, &maps) < 0) {
		free(sc.buf);
		for (size_t i = 0; i < n; i++)
			entries[i].cls = LEAK_UNSCANNED;
		return;
	}
	scan_roots(&sc, lk, snap, &maps);
	drain(&sc);
	/* What is left unreached is lost; each such block in turn leads a
	 * clique of the unreached blocks only it reaches (an earlier
	 * leader among them included): those are lost indirectly. */
	sc.clique_mode = 1;
	for (size_t i = 0; i < n; i++) {
		if (entries[i].cls != LEAK_DEFINITE || entries[i].scanned)
			continue;
		sc.leader = i;
		entries[i].scanned = 1;
		scan_range(&sc, entries[i].addr, entries[i].addr + entries[i].b->size, PTR_ANY);
		drain(&sc);
	}
	proc_maps_free(&maps);
	free(sc.work);
	free(sc.buf);
}
