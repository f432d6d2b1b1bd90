/* folded.c: hits' call stacks counted per probe, printed as flame-graph input
 * ("main;work;func 12", the format of flamegraph.pl, inferno and speedscope). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe.h"

#define FOLDED_BUCKETS 4096

struct folded_stack {
	int probe;
	char *frames; /* outermost first, joined by ';' */
	unsigned long count;
	unsigned hash;
	struct folded_stack *next;
};

struct probe_folded {
	struct folded_stack *bucket[FOLDED_BUCKETS];
	size_t n;
};

int probe_folded_new(struct probe_folded **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

void probe_folded_free(struct probe_folded *f)
{
	if (!f)
		return;
	for (size_t b = 0; b < FOLDED_BUCKETS; b++) {
		for (struct folded_stack *s = f->bucket[b], *next; s; s = next) {
			next = s->next;
			free(s->frames);
			free(s);
		}
	}
	free(f);
}

static unsigned hash_key(int probe, const char *s)
{
	unsigned h = 2166136261u ^ (unsigned)probe;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* A frame's name in a flame graph: the function, else its module. */
static void put_frame(FILE *m, const struct probe_frame *fr)
{
	const char *slash;

	if (fr->sym) {
		fputs(fr->sym, m);
	} else if (fr->module) {
		slash = strrchr(fr->module, '/');
		fprintf(m, "[%s]", slash ? slash + 1 : fr->module);
	} else {
		fputs("[unknown]", m);
	}
}

int probe_folded_add(struct probe_folded *f, int probe, const struct probe_frame *frames, int n)
{
	struct folded_stack *s;
	char *key = NULL;
	size_t len = 0;
	unsigned h;
	FILE *m;

	m = open_memstream(&key, &len);
	if (!m)
		return -ENOMEM;
	for (int i = n - 1; i >= 0; i--) {
		put_frame(m, &frames[i]);
		if (i)
			fputc(';', m);
	}
	if (fclose(m) != 0 || !key)
		return -ENOMEM;
	h = hash_key(probe, key);
	for (s = f->bucket[h % FOLDED_BUCKETS]; s; s = s->next) {
		if (s->hash == h && s->probe == probe && strcmp(s->frames, key) == 0) {
			s->count++;
			free(key);
			return 0;
		}
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		free(key);
		return -ENOMEM;
	}
	s->probe = probe;
	s->frames = key;
	s->count = 1;
	s->hash = h;
	s->next = f->bucket[h % FOLDED_BUCKETS];
	f->bucket[h % FOLDED_BUCKETS] = s;
	f->n++;
	return 0;
}

/* By probe, then most hits first, then by name: a stable output. */
static int cmp_stack(const void *pa, const void *pb)
{
	const struct folded_stack *a = *(const struct folded_stack *const *)pa;
	const struct folded_stack *b = *(const struct folded_stack *const *)pb;

	if (a->probe != b->probe)
		return a->probe < b->probe ? -1 : 1;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return strcmp(a->frames, b->frames);
}

int probe_folded_print(const struct probe_folded *f, FILE *out, const struct probe *probes,
		       size_t nprobes)
{
	struct folded_stack **all;
	size_t k = 0;

	if (!f || !f->n)
		return 0;
	all = malloc(f->n * sizeof(*all));
	if (!all)
		return -ENOMEM;
	for (size_t b = 0; b < FOLDED_BUCKETS; b++)
		for (struct folded_stack *s = f->bucket[b]; s; s = s->next)
			all[k++] = s;
	qsort(all, k, sizeof(*all), cmp_stack);
	for (size_t i = 0; i < k; i++) {
		/* Several probes share one graph: each is a tower of its own. */
		if (nprobes > 1)
			fprintf(out, "%s;", probes[all[i]->probe].name);
		fprintf(out, "%s %lu\n", all[i]->frames, all[i]->count);
	}
	free(all);
	return 0;
}
