/* addrmap.c: linear probing, deletion by shifting back (no tombstones). */
#include <stdlib.h>
#include <string.h>

#include "tools/leaks/addrmap.h"

static size_t slot_of(const struct addrmap *m, uint64_t key)
{
	/* Fibonacci hashing: addresses differ in their middle bits. */
	return (size_t)((key * 0x9e3779b97f4a7c15ull) >> 17) & (m->cap - 1);
}

static void *val(const struct addrmap *m, size_t i)
{
	return m->vals + i * m->vsize;
}

void addrmap_init(struct addrmap *m, size_t vsize)
{
	memset(m, 0, sizeof(*m));
	m->vsize = vsize;
}

void addrmap_free(struct addrmap *m)
{
	free(m->keys);
	free(m->vals);
	m->keys = NULL;
	m->vals = NULL;
	m->cap = m->n = 0;
}

static size_t find(const struct addrmap *m, uint64_t key)
{
	size_t i = slot_of(m, key);

	while (m->keys[i] && m->keys[i] != key)
		i = (i + 1) & (m->cap - 1);
	return i;
}

void *addrmap_get(const struct addrmap *m, uint64_t key)
{
	size_t i;

	if (!m->cap || !key)
		return NULL;
	i = find(m, key);
	return m->keys[i] ? val(m, i) : NULL;
}

static bool grow(struct addrmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 1024;
	struct addrmap bigger = {calloc(cap, sizeof(uint64_t)), malloc(cap * m->vsize), m->vsize,
				 cap, 0};

	if (!bigger.keys || !bigger.vals) {
		free(bigger.keys);
		free(bigger.vals);
		return false;
	}
	for (size_t i = 0; i < m->cap; i++) {
		if (m->keys[i]) {
			size_t j = find(&bigger, m->keys[i]);

			bigger.keys[j] = m->keys[i];
			memcpy(val(&bigger, j), val(m, i), m->vsize);
			bigger.n++;
		}
	}
	free(m->keys);
	free(m->vals);
	*m = bigger;
	return true;
}

void *addrmap_put(struct addrmap *m, uint64_t key, bool *fresh)
{
	size_t i;

	*fresh = false;
	if (!key)
		return NULL;
	if ((m->n + 1) * 4 > m->cap * 3 && !grow(m)) /* load at most 3/4 */
		return NULL;
	i = find(m, key);
	if (!m->keys[i]) {
		m->keys[i] = key;
		memset(val(m, i), 0, m->vsize);
		m->n++;
		*fresh = true;
	}
	return val(m, i);
}

bool addrmap_del(struct addrmap *m, uint64_t key, void *out)
{
	size_t i, j, home;

	if (!m->cap || !key)
		return false;
	i = find(m, key);
	if (!m->keys[i])
		return false;
	if (out)
		memcpy(out, val(m, i), m->vsize);
	/* Shift back the entries after I that probed past it. */
	for (j = (i + 1) & (m->cap - 1); m->keys[j]; j = (j + 1) & (m->cap - 1)) {
		home = slot_of(m, m->keys[j]);
		if (((j - home) & (m->cap - 1)) >= ((j - i) & (m->cap - 1))) {
			m->keys[i] = m->keys[j];
			memcpy(val(m, i), val(m, j), m->vsize);
			i = j;
		}
	}
	m->keys[i] = 0;
	m->n--;
	return true;
}

void *addrmap_slot(const struct addrmap *m, size_t i, uint64_t *key)
{
	if (i >= m->cap || !m->keys[i])
		return NULL;
	*key = m->keys[i];
	return val(m, i);
}
