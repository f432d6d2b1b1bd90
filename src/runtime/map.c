/* map.c: storage of the associative arrays: hashing, lookup, insertion with limits, deletion. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/map_priv.h"

#define MIN_TABLE 16

struct rt_map *rt_map_new(int nkeys, const enum rt_type *key_types, enum rt_type value_type,
			  size_t max_entries, bool wrap)
{
	struct rt_map *m;

	if (nkeys < 1 || nkeys > RT_MAP_MAX_KEYS)
		return NULL;
	for (int i = 0; i < nkeys; i++)
		if (key_types[i] != RT_LONG && key_types[i] != RT_STRING)
			return NULL;
	if (value_type != RT_LONG && value_type != RT_STRING && value_type != RT_STATS)
		return NULL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->table = calloc(MIN_TABLE, sizeof(m->table[0]));
	if (!m->table) {
		free(m);
		return NULL;
	}
	m->table_size = MIN_TABLE;
	m->nkeys = nkeys;
	memcpy(m->key_types, key_types, (size_t)nkeys * sizeof(key_types[0]));
	m->value_type = value_type;
	m->max_entries = max_entries ? max_entries : RT_MAXMAPENTRIES;
	m->wrap = wrap;
	m->spec.hist = RT_HIST_NONE;
	return m;
}

int rt_map_set_stats_spec(struct rt_map *m, const struct rt_stats_spec *spec)
{
	if (m->value_type != RT_STATS || rt_stats_spec_check(spec, NULL, 0))
		return -EINVAL;
	if (m->count)
		return -EBUSY;
	m->spec = *spec;
	return 0;
}

void rt_map_entry_unref(struct rt_map_entry *e)
{
	if (--e->refs)
		return;
	for (int i = 0; i < e->nkeys; i++)
		rt_value_release(&e->keys[i]);
	if (e->value.type == RT_STATS)
		rt_stats_free(e->value.stats);
	else
		rt_value_release(&e->value);
	free(e);
}

size_t rt_map_size(const struct rt_map *m)
{
	return m->count;
}

/* FNV-1a over the keys, then a final mix so the low bits spread. */
static uint32_t hash_keys(const struct rt_map *m, const struct rt_value *keys)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (int i = 0; i < m->nkeys; i++) {
		const unsigned char *p;
		size_t n;
		int64_t num;

		if (m->key_types[i] == RT_LONG) {
			num = keys[i].num;
			p = (const unsigned char *)&num;
			n = sizeof(num);
		} else {
			p = (const unsigned char *)keys[i].str->data;
			n = keys[i].str->len + 1; /* the NUL separates keys */
		}
		while (n--)
			h = (h ^ *p++) * 0x100000001b3ULL;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return (uint32_t)h;
}

static bool keys_ok(const struct rt_map *m, const struct rt_value *keys)
{
	for (int i = 0; i < m->nkeys; i++) {
		if (keys[i].type != m->key_types[i])
			return false;
		if (keys[i].type == RT_STRING && !keys[i].str)
			return false;
	}
	return true;
}

static bool keys_equal(const struct rt_map *m, const struct rt_map_entry *e,
		       const struct rt_value *keys)
{
	for (int i = 0; i < m->nkeys; i++) {
		if (m->key_types[i] == RT_LONG ? e->keys[i].num != keys[i].num
					       : !rt_str_eq(e->keys[i].str, keys[i].str))
			return false;
	}
	return true;
}

static struct rt_map_entry *lookup(const struct rt_map *m, const struct rt_value *keys,
				   uint32_t hash)
{
	struct rt_map_entry *e = m->table[hash & (m->table_size - 1)];

	for (; e; e = e->hnext)
		if (e->hash == hash && keys_equal(m, e, keys))
			return e;
	return NULL;
}

struct rt_map_entry *rt_map_find(const struct rt_map *m, const struct rt_value *keys)
{
	if (!keys_ok(m, keys))
		return NULL;
	return lookup(m, keys, hash_keys(m, keys));
}

bool rt_map_exists(const struct rt_map *m, const struct rt_value *keys)
{
	return rt_map_find(m, keys) != NULL;
}

int rt_map_get(const struct rt_map *m, const struct rt_value *keys, struct rt_value *out)
{
	struct rt_map_entry *e;

	*out = rt_value_zero(m->value_type);
	if (!keys_ok(m, keys))
		return -EINVAL;
	e = lookup(m, keys, hash_keys(m, keys));
	if (e)
		rt_value_copy(out, &e->value);
	return 0;
}

struct rt_stats *rt_map_get_stats(const struct rt_map *m, const struct rt_value *keys)
{
	struct rt_map_entry *e;

	if (m->value_type != RT_STATS)
		return NULL;
	e = rt_map_find(m, keys);
	return e ? e->value.stats : NULL;
}

/* Take E out of the hash chain and the order list, mark it dead, and drop
 * the map's reference. */
static void unlink_entry(struct rt_map *m, struct rt_map_entry *e)
{
	struct rt_map_entry **pp = &m->table[e->hash & (m->table_size - 1)];

	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	if (e->prev)
		e->prev->next = e->next;
	else
		m->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		m->tail = e->prev;
	e->hnext = e->prev = e->next = NULL;
	e->live = false;
	m->count--;
	rt_map_entry_unref(e);
}

static void grow(struct rt_map *m)
{
	size_t size = m->table_size * 2;
	struct rt_map_entry **t = calloc(size, sizeof(t[0]));

	if (!t)
		return; /* longer chains, still correct */
	for (struct rt_map_entry *e = m->head; e; e = e->next) {
		e->hnext = t[e->hash & (size - 1)];
		t[e->hash & (size - 1)] = e;
	}
	free(m->table);
	m->table = t;
	m->table_size = size;
}

/* The entry for KEYS, inserted (with a zero value) if absent.  -E2BIG when
 * full and not wrapping. */
static int find_or_insert(struct rt_map *m, const struct rt_value *keys, struct rt_map_entry **out)
{
	uint32_t hash;
	struct rt_map_entry *e;

	if (!keys_ok(m, keys))
		return -EINVAL;
	hash = hash_keys(m, keys);
	e = lookup(m, keys, hash);
	if (e) {
		*out = e;
		return 0;
	}
	if (m->count >= m->max_entries) {
		if (!m->wrap || !m->head)
			return -E2BIG;
		unlink_entry(m, m->head); /* _new_map_create() reuses the oldest node */
	}

	e = calloc(1, sizeof(*e) + (size_t)m->nkeys * sizeof(e->keys[0]));
	if (!e)
		return -ENOMEM;
	if (m->value_type == RT_STATS) {
		e->value.type = RT_STATS;
		e->value.stats = rt_stats_new(&m->spec);
		if (!e->value.stats) {
			free(e);
			return -ENOMEM;
		}
		e->value.stats->map_element = true;
	} else {
		e->value = rt_value_zero(m->value_type);
	}
	for (int i = 0; i < m->nkeys; i++)
		rt_value_copy(&e->keys[i], &keys[i]);
	e->nkeys = m->nkeys;
	e->hash = hash;
	e->refs = 1;
	e->live = true;
	e->seq = m->next_seq++;

	if (m->count + 1 > m->table_size / 4 * 3)
		grow(m);
	e->hnext = m->table[hash & (m->table_size - 1)];
	m->table[hash & (m->table_size - 1)] = e;
	e->prev = m->tail;
	if (m->tail)
		m->tail->next = e;
	else
		m->head = e;
	m->tail = e;
	m->count++;
	*out = e;
	return 0;
}

int rt_map_set(struct rt_map *m, const struct rt_value *keys, const struct rt_value *val)
{
	struct rt_map_entry *e;
	struct rt_value old;
	int rc;

	if (val->type != m->value_type || m->value_type == RT_STATS ||
	    (val->type == RT_STRING && !val->str))
		return -EINVAL;
	rc = find_or_insert(m, keys, &e);
	if (rc)
		return rc;
	old = e->value;
	rt_value_copy(&e->value, val);
	rt_value_release(&old);
	return 0;
}

int rt_map_add_stat(struct rt_map *m, const struct rt_value *keys, int64_t v)
{
	struct rt_map_entry *e;
	int rc;

	if (m->value_type != RT_STATS)
		return -EINVAL;
	rc = find_or_insert(m, keys, &e);
	if (rc)
		return rc;
	rt_stats_add(e->value.stats, v);
	return 0;
}

int rt_map_delete(struct rt_map *m, const struct rt_value *keys)
{
	struct rt_map_entry *e;

	if (!keys_ok(m, keys))
		return -EINVAL;
	e = lookup(m, keys, hash_keys(m, keys));
	if (e)
		unlink_entry(m, e);
	return 0;
}

void rt_map_clear(struct rt_map *m)
{
	while (m->head)
		unlink_entry(m, m->head);
}

void rt_map_free(struct rt_map *m)
{
	if (!m)
		return;
	rt_map_clear(m);
	free(m->table);
	free(m);
}
