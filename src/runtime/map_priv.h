/* map_priv.h: the map's layout, shared by map.c (storage) and map_iter.c (foreach). */
#ifndef UTAP_RUNTIME_MAP_PRIV_H
#define UTAP_RUNTIME_MAP_PRIV_H

#include "runtime/map.h"

struct rt_map {
	int nkeys;
	enum rt_type key_types[RT_MAP_MAX_KEYS];
	enum rt_type value_type;
	size_t max_entries;
	bool wrap;
	struct rt_stats_spec spec;

	struct rt_map_entry **table; /* chains; size a power of two */
	size_t table_size;
	size_t count;
	uint64_t next_seq;
	struct rt_map_entry *head, *tail; /* oldest first */
};

/* Drop a reference to E; the last one frees its keys, value and itself. */
void rt_map_entry_unref(struct rt_map_entry *e);

#endif
