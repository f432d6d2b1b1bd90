/* stacks.c: call stacks kept once each, their frames named when first
 * seen: a program allocates from a few hundred places a million times,
 * and its modules may be gone by the time the report names them. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "tools/leaks/internal.h"

void leak_stacks_init(struct leak_stacks *s)
{
	memset(s, 0, sizeof(*s));
	addrmap_init(&s->frames, sizeof(uint32_t));
	addrmap_init(&s->by_hash, sizeof(uint32_t));
}

void leak_stacks_free(struct leak_stacks *s)
{
	for (size_t i = 0; i < s->nframe; i++) {
		free(s->frame[i].text);
		free(s->frame[i].sym);
		free(s->frame[i].module);
		free(s->frame[i].file);
	}
	free(s->frame);
	free(s->stack);
	free(s->ids);
	addrmap_free(&s->frames);
	addrmap_free(&s->by_hash);
	memset(s, 0, sizeof(*s));
}

static bool reserve(void **v, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 64;
	void *grown;

	if (need <= *cap)
		return true;
	while (n < need)
		n *= 2;
	grown = realloc(*v, n * size);
	if (!grown)
		return false;
	*v = grown;
	*cap = n;
	return true;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* The index of the frame at F->addr, named from F when new; -1 if no memory. */
static int64_t frame_index(struct leak_stacks *s, const struct probe_frame *f)
{
	uint32_t *slot;
	struct leak_frame *lf;
	char text[1024];
	bool fresh;

	slot = addrmap_put(&s->frames, f->addr, &fresh);
	if (!slot)
		return -1;
	if (!fresh)
		return *slot - 1;
	if (!reserve((void **)&s->frame, &s->frame_cap, s->nframe + 1, sizeof(*s->frame))) {
		addrmap_del(&s->frames, f->addr, NULL);
		return -1;
	}
	lf = &s->frame[s->nframe];
	memset(lf, 0, sizeof(*lf));
	lf->addr = f->addr;
	if (f->text)
		lf->text = strdup(f->text);
	else if (probe_frame_format(f, text, sizeof(text)) >= 0)
		lf->text = strdup(text);
	lf->sym = dup_or_null(f->sym);
	lf->module = dup_or_null(f->module);
	lf->file = dup_or_null(f->file);
	lf->off = f->off;
	lf->line = f->line;
	*slot = (uint32_t)++s->nframe;
	return (int64_t)s->nframe - 1;
}

static uint64_t hash_frames(const struct probe_frame *frames, int n)
{
	uint64_t h = 0xcbf29ce484222325ull ^ (uint64_t)n;

	for (int i = 0; i < n; i++) {
		h ^= frames[i].addr;
		h *= 0x100000001b3ull;
	}
	return h ? h : 1; /* 0 is the map's empty key */
}

static bool same(const struct leak_stacks *s, uint32_t id, const struct probe_frame *frames, int n)
{
	const struct leak_stack *st = &s->stack[id];

	if (st->n != (uint32_t)n)
		return false;
	for (int i = 0; i < n; i++)
		if (s->frame[s->ids[st->first + i]].addr != frames[i].addr)
			return false;
	return true;
}

uint32_t leak_stacks_intern(struct leak_stacks *s, const struct probe_frame *frames, int n)
{
	uint64_t h = hash_frames(frames, n);
	uint32_t *head, id;
	struct leak_stack *st;
	bool fresh;

	if (n <= 0)
		return LEAK_NO_STACK;
	head = addrmap_put(&s->by_hash, h, &fresh);
	if (!head)
		return LEAK_NO_STACK;
	for (uint32_t i = *head; i; i = s->stack[i - 1].next_same_hash)
		if (same(s, i - 1, frames, n))
			return i - 1;
	if (!reserve((void **)&s->stack, &s->stack_cap, s->nstack + 1, sizeof(*s->stack)) ||
	    !reserve((void **)&s->ids, &s->ids_cap, s->nids + (size_t)n, sizeof(*s->ids)))
		return LEAK_NO_STACK;
	for (int i = 0; i < n; i++) {
		int64_t fi = frame_index(s, &frames[i]);

		if (fi < 0)
			return LEAK_NO_STACK;
		s->ids[s->nids + (size_t)i] = (uint32_t)fi;
	}
	id = (uint32_t)s->nstack++;
	st = &s->stack[id];
	st->first = (uint32_t)s->nids;
	st->n = (uint32_t)n;
	st->next_same_hash = *head;
	s->nids += (size_t)n;
	*head = id + 1;
	return id;
}

const struct leak_frame *leak_stacks_frame(const struct leak_stacks *s, uint32_t id, uint32_t i)
{
	if (id >= s->nstack || i >= s->stack[id].n)
		return NULL;
	return &s->frame[s->ids[s->stack[id].first + i]];
}

uint32_t leak_stacks_depth(const struct leak_stacks *s, uint32_t id)
{
	return id < s->nstack ? s->stack[id].n : 0;
}
