/* map_iter.c: foreach over a map: a snapshot of its entries, sorted as SystemTap sorts. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/map_priv.h"

struct sort_ctx {
	const struct rt_map *m;
	const struct rt_map_order *order;
};

/* The number a statistics value sorts by (map.c's _stp_cmp(): SORT_COUNT
 * ... SORT_AVG, @avg being sum / count). */
static int64_t stat_key(const struct rt_stats *s, enum rt_stat_op op)
{
	int64_t v;

	rt_stats_get(s, op, &v);
	return v;
}

/* <0 when A comes first in ascending order. */
static int compare_values(const struct rt_value *a, const struct rt_value *b, enum rt_stat_op op)
{
	int64_t x, y;

	switch (a->type) {
	case RT_STRING:
		return rt_str_cmp(a->str, b->str);
	case RT_STATS:
		x = stat_key(a->stats, op);
		y = stat_key(b->stats, op);
		break;
	default:
		x = a->num;
		y = b->num;
		break;
	}
	return x < y ? -1 : x > y;
}

/* Whether A must come after B: a strict comparison in the sort's direction,
 * insertion order breaking ties, so the sort is stable. */
static bool after(const struct sort_ctx *c, const struct rt_map_entry *a,
		  const struct rt_map_entry *b)
{
	const struct rt_map_order *o = c->order;
	int r;

	if (o->by == RT_SORT_KEY)
		r = compare_values(&a->keys[o->key - 1], &b->keys[o->key - 1], o->stat);
	else
		r = compare_values(&a->value, &b->value, o->stat);
	if (o->dir < 0)
		r = -r;
	if (r)
		return r > 0;
	return a->seq > b->seq;
}

/* Bottom-up merge sort of V[0..N) using TMP. */
static void merge_sort(const struct sort_ctx *c, struct rt_map_entry **v, struct rt_map_entry **tmp,
		       size_t n)
{
	for (size_t width = 1; width < n; width *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * width) {
			size_t mid = lo + width < n ? lo + width : n;
			size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
			size_t i = lo, j = mid, k = lo;

			while (i < mid && j < hi)
				tmp[k++] = after(c, v[i], v[j]) ? v[j++] : v[i++];
			while (i < mid)
				tmp[k++] = v[i++];
			while (j < hi)
				tmp[k++] = v[j++];
		}
		memcpy(v, tmp, n * sizeof(v[0]));
	}
}

static bool order_ok(const struct rt_map *m, const struct rt_map_order *o)
{
	switch (o->by) {
	case RT_SORT_NONE:
		return true;
	case RT_SORT_VALUE:
		break;
	case RT_SORT_KEY:
		if (o->key < 1 || o->key > m->nkeys)
			return false;
		break;
	default:
		return false;
	}
	return o->dir == 1 || o->dir == -1;
}

int rt_map_snapshot(struct rt_map *m, const struct rt_map_order *order, int64_t limit,
		    struct rt_map_snapshot *out)
{
	struct rt_map_entry **v, *e;
	size_t n = 0, keep;

	out->entries = NULL;
	out->n = 0;
	if (order && !order_ok(m, order))
		return -EINVAL;
	if (limit <= 0 || m->count == 0)
		return 0;

	v = malloc(m->count * sizeof(v[0]));
	if (!v)
		return -ENOMEM;
	for (e = m->head; e; e = e->next)
		v[n++] = e;

	if (order && order->by != RT_SORT_NONE && n > 1) {
		struct sort_ctx c = {m, order};
		struct rt_map_entry **tmp = malloc(n * sizeof(tmp[0]));

		if (!tmp) {
			free(v);
			return -ENOMEM;
		}
		merge_sort(&c, v, tmp, n);
		free(tmp);
	}

	/* A limited sorted foreach sees the first LIMIT of the full order
	 * (what _stp_map_sortn()'s partial sort leaves at the front too). */
	keep = (uint64_t)limit < n ? (size_t)limit : n;
	for (size_t i = 0; i < keep; i++)
		v[i]->refs++;
	out->entries = v;
	out->n = keep;
	return 0;
}

void rt_map_snapshot_free(struct rt_map_snapshot *snap)
{
	for (size_t i = 0; i < snap->n; i++)
		rt_map_entry_unref(snap->entries[i]);
	free(snap->entries);
	snap->entries = NULL;
	snap->n = 0;
}
