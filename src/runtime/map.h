/* map.h: the script's associative arrays: 1..9 typed keys, bounded, optionally wrapping. */
#ifndef UTAP_RUNTIME_MAP_H
#define UTAP_RUNTIME_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/stats.h"
#include "runtime/value.h"

#define RT_MAP_MAX_KEYS 9
#define RT_MAXMAPENTRIES 2048 /* SystemTap's MAXMAPENTRIES default */

/*
 * A hash table (O(1) lookups on average) that also keeps its entries in
 * insertion order: SystemTap iterates an unsorted array in that order, and
 * a full array declared with wrap-around ("global a%[100]") drops its
 * oldest entry to make room.
 *
 * Values and keys are copied in (strings by taking a reference) and
 * copied out, so nothing the caller holds aliases the map, except the
 * aggregates of a statistics map, which the map owns and lends.
 */
struct rt_map;

/*
 * An entry.  Its keys and value stay readable as long as someone holds it:
 * the map while the key is present, and every snapshot that lists it (see
 * rt_map_snapshot()).
 */
struct rt_map_entry {
	struct rt_map_entry *hnext;	  /* hash chain */
	struct rt_map_entry *prev, *next; /* insertion order */
	uint64_t seq;			  /* insertion number: sorts break ties with it */
	uint32_t hash;
	uint32_t refs;
	int nkeys;
	bool live; /* false once deleted, cleared or pushed out */
	struct rt_value value;
	struct rt_value keys[];
};

/*
 * A map of NKEYS (1..9) keys of the given types (RT_LONG or RT_STRING)
 * holding VALUE_TYPE (RT_LONG, RT_STRING or RT_STATS) values, at most
 * MAX_ENTRIES of them (0: RT_MAXMAPENTRIES); WRAP drops the oldest entry
 * when a new key arrives in a full map.  NULL on bad arguments or without
 * memory.
 */
struct rt_map *rt_map_new(int nkeys, const enum rt_type *key_types, enum rt_type value_type,
			  size_t max_entries, bool wrap);

/* How a statistics map's aggregates collect (histogram, @variance shift);
 * by default, no histogram.  Only while the map is empty: -EBUSY otherwise,
 * -EINVAL for a map of another type or a SPEC rt_stats_spec_check()
 * refuses. */
int rt_map_set_stats_spec(struct rt_map *m, const struct rt_stats_spec *spec);

/* Free the map; entries that snapshots still hold are freed with them. */
void rt_map_free(struct rt_map *m);

/* Entries present. */
size_t rt_map_size(const struct rt_map *m);

/*
 * The entry with KEYS (an array of NKEYS values of the key types), or NULL.
 * Borrowed: valid until the map changes, or longer under a snapshot.
 */
struct rt_map_entry *rt_map_find(const struct rt_map *m, const struct rt_value *keys);

/* [KEYS] in m. */
bool rt_map_exists(const struct rt_map *m, const struct rt_value *keys);

/*
 * m[KEYS] into *OUT (a copy the caller releases): the value, or when the
 * key is absent 0, "" or (statistics) a NULL aggregate; nothing is
 * inserted.  For a statistics map OUT->stats is borrowed.  0, or -EINVAL
 * when the keys do not have the map's types (*OUT is then the zero value).
 */
int rt_map_get(const struct rt_map *m, const struct rt_value *keys, struct rt_value *out);

/* The aggregate at KEYS of a statistics map, NULL when absent (borrowed). */
struct rt_stats *rt_map_get_stats(const struct rt_map *m, const struct rt_value *keys);

/*
 * m[KEYS] = *VAL (copied).  -E2BIG when the key is new, the map full and
 * not wrapping (SystemTap: "Array overflow, check MAXMAPENTRIES", or
 * "... check size limit (N)" for a declared size); -EINVAL for keys or a
 * value of the wrong type (statistics are added, not set); -ENOMEM.
 */
int rt_map_set(struct rt_map *m, const struct rt_value *keys, const struct rt_value *val);

/* m[KEYS] <<< V, creating the aggregate if needed.  Errors as rt_map_set(). */
int rt_map_add_stat(struct rt_map *m, const struct rt_value *keys, int64_t v);

/* delete m[KEYS]; deleting an absent key is not an error.  0 or -EINVAL. */
int rt_map_delete(struct rt_map *m, const struct rt_value *keys);

/* delete m. */
void rt_map_clear(struct rt_map *m);

/* The order a foreach visits. */
enum rt_map_sort { RT_SORT_NONE, RT_SORT_VALUE, RT_SORT_KEY };

struct rt_map_order {
	enum rt_map_sort by;
	int key;	      /* RT_SORT_KEY: which key, 1..nkeys */
	int dir;	      /* +1 ascending ("+"), -1 descending ("-") */
	enum rt_stat_op stat; /* RT_SORT_VALUE of a statistics map: the aggregate;
				 SystemTap sorts by @count unless told ("@max+") */
};

#define RT_MAP_NO_LIMIT INT64_MAX

/* The entries a foreach visits, in order. */
struct rt_map_snapshot {
	struct rt_map_entry **entries;
	size_t n;
};

/*
 * The entries of M in the ORDER given (NULL: unsorted), at most LIMIT of
 * them ("limit N": N <= 0 visits nothing, as in SystemTap; RT_MAP_NO_LIMIT
 * for all).  Unsorted means insertion order.  Sorts are stable: entries
 * that compare equal stay in insertion order, which is what SystemTap's
 * merge sort over its insertion-ordered list gives; strings compare as
 * rt_str_cmp(); aggregates by the chosen @op of each.
 *
 * The snapshot holds a reference to each entry, so the loop body may
 * change the map freely: an entry deleted (or cleared, or pushed out by
 * wrap-around) after the snapshot was taken stays readable with its last
 * keys and value, and rt_map_entry_live() tells it apart; a value set
 * meanwhile is seen (the entry is shared); keys inserted meanwhile are not
 * visited.  0, -EINVAL (bad order), -ENOMEM.
 */
int rt_map_snapshot(struct rt_map *m, const struct rt_map_order *order, int64_t limit,
		    struct rt_map_snapshot *out);

/* Drop the snapshot's references (entries already gone from the map are
 * freed now). */
void rt_map_snapshot_free(struct rt_map_snapshot *snap);

/* Key I (0-based) of E. */
static inline const struct rt_value *rt_map_entry_key(const struct rt_map_entry *e, int i)
{
	return &e->keys[i];
}

/* E's value (RT_STATS: the aggregate, owned by the entry). */
static inline const struct rt_value *rt_map_entry_value(const struct rt_map_entry *e)
{
	return &e->value;
}

/* Whether E is still in its map. */
static inline bool rt_map_entry_live(const struct rt_map_entry *e)
{
	return e->live;
}

#endif
