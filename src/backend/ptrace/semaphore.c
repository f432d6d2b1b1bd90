/* semaphore.c: SDT markers' semaphores: the u16 counters in .probes that a program
 * tests (NAME_ENABLED()) before computing a marker's arguments. Raised by one in
 * the tracee while a probe is planted at such a marker, lowered again when the
 * probe is disabled or utap lets the process go, as SystemTap and the kernel's
 * uprobes do; never below zero, never past 0xffff, other tracers' counts kept. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backend/ptrace/tracee.h"
#include "proc/mem.h"
#include "util/log.h"

/* Read-modify-write of the counter: the program only reads it, and the
 * threads that could see a torn value are stopped or see 0 vs 1 either way. */
static int adjust(struct space *s, uint64_t addr, int delta)
{
	uint16_t v;
	int rc = mem_peek(s->memfd, addr, &v, sizeof(v));

	if (rc < 0)
		return rc;
	if ((delta > 0 && v == UINT16_MAX) || (delta < 0 && v == 0))
		return -ERANGE; /* saturated, or lowered by someone else already */
	v = (uint16_t)(v + delta);
	return mem_poke(s->memfd, addr, &v, sizeof(v));
}

static struct space_sema *find(struct space *s, uint64_t addr)
{
	for (size_t i = 0; i < s->nsemas; i++)
		if (s->semas[i].addr == addr)
			return &s->semas[i];
	return NULL;
}

void sema_hold(struct space *s, const struct module *m, int probe, uint64_t addr)
{
	struct space_sema *e = find(s, addr);
	int *grown;

	if (!e) {
		struct space_sema *more = realloc(s->semas, (s->nsemas + 1) * sizeof(*more));

		if (!more)
			return;
		s->semas = more;
		e = &more[s->nsemas++];
		memset(e, 0, sizeof(*e));
		e->addr = addr;
		e->dev = m->dev;
		e->ino = m->ino;
	}
	for (int i = 0; i < e->nprobes; i++)
		if (e->probes[i] == probe)
			return;
	grown = realloc(e->probes, (size_t)(e->nprobes + 1) * sizeof(*grown));
	if (!grown)
		return;
	e->probes = grown;
	e->probes[e->nprobes++] = probe;
	if (!e->raised) {
		int rc = adjust(s, addr, +1);

		e->raised = rc == 0;
		log_verbose("pid %d: SDT semaphore at %#llx in %s %s", s->pid,
			    (unsigned long long)addr, m->path,
			    rc == 0 ? "raised" : rc == -ERANGE ? "saturated" : strerror(-rc));
	}
}

/* Lower E if we raised it and its module still maps that address: a
 * library unloaded since may have left the address to another file. */
static void lower(struct space *s, struct space_sema *e)
{
	struct module *m;
	int rc;

	if (!e->raised)
		return;
	e->raised = false;
	m = space_module_at(s, e->addr, NULL);
	if (!m || m->dev != e->dev || m->ino != e->ino) {
		log_verbose("pid %d: SDT semaphore at %#llx: its module is gone", s->pid,
			    (unsigned long long)e->addr);
		return;
	}
	rc = adjust(s, e->addr, -1);
	log_verbose("pid %d: SDT semaphore at %#llx lowered%s%s", s->pid,
		    (unsigned long long)e->addr, rc < 0 ? ": " : "",
		    rc == -ERANGE ? "it was 0 already" : rc < 0 ? strerror(-rc) : "");
}

void sema_retire(struct tracer *t, struct space *s)
{
	bool rescanned = false;

	for (size_t i = 0; i < s->nsemas; i++) {
		struct space_sema *e = &s->semas[i];
		int k = 0;

		for (int j = 0; j < e->nprobes; j++)
			if (!t->probe_disabled[e->probes[j]])
				e->probes[k++] = e->probes[j];
		e->nprobes = k;
		if (k || !e->raised)
			continue;
		if (!rescanned)
			space_scan_modules(s);
		rescanned = true;
		lower(s, e);
	}
}

void sema_release_all(struct space *s)
{
	if (!s->nsemas)
		return;
	space_scan_modules(s); /* what is mapped now, not at the last rendezvous */
	for (size_t i = 0; i < s->nsemas; i++)
		lower(s, &s->semas[i]);
}

void sema_fork(const struct space *parent, struct space *child)
{
	child->semas = calloc(parent->nsemas + 1, sizeof(*child->semas));
	if (!child->semas)
		return;
	for (size_t i = 0; i < parent->nsemas; i++) {
		struct space_sema *e = &child->semas[child->nsemas];

		*e = parent->semas[i];
		e->probes = malloc((size_t)(e->nprobes + 1) * sizeof(*e->probes));
		if (!e->probes)
			break;
		memcpy(e->probes, parent->semas[i].probes, (size_t)e->nprobes * sizeof(*e->probes));
		child->nsemas++;
	}
}

void sema_free(struct space *s)
{
	for (size_t i = 0; i < s->nsemas; i++)
		free(s->semas[i].probes);
	free(s->semas);
	s->semas = NULL;
	s->nsemas = 0;
}
