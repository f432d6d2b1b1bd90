/* test_rt_map.c: associative arrays: lookups, limits, wrap-around, foreach orders, aggregates. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/map.h"
#include "tests/tap.h"

/*
 * Expected orders come from SystemTap: the foreach example of
 * doc/langref.tex ("Basic SystemTap syntax and control structures"),
 * testsuite/systemtap.maps/foreach_limit.exp (unsorted = insertion order,
 * limits) and foreach_limit2.exp (arrays of aggregates sorted by @count,
 * their @variance).  Ties keep insertion order: runtime/map.c sorts its
 * insertion-ordered list with a stable merge sort.
 */

static const enum rt_type LONG1[] = {RT_LONG};

static struct rt_value K(int64_t n) {
	return rt_value_long(n);
}

static void
set_long(struct rt_map *m, int64_t k, int64_t v)
{
	struct rt_value key = K(k), val = K(v);

	rt_map_set(m, &key, &val);
}

static int64_t get_long(struct rt_map *m, int64_t k)
{
	struct rt_value key = K(k), out;

	rt_map_get(m, &key, &out);
	return out.num;
}

/* The keys (first key, a long) of a snapshot, joined with ','. */
static const char *keys_of(struct rt_map *m, const struct rt_map_order *o, int64_t limit)
{
	static char buf[512];
	struct rt_map_snapshot snap;
	size_t n = 0;

	buf[0] = '\0';
	if (rt_map_snapshot(m, o, limit, &snap))
		return "error";
	for (size_t i = 0; i < snap.n; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%lld", i ? "," : "",
				      (long long)rt_map_entry_key(snap.entries[i], 0)->num);
	rt_map_snapshot_free(&snap);
	return buf;
}

static void test_langref_foreach(void)
{
	struct rt_map *odds = rt_map_new(1, LONG1, RT_LONG, 0, false);
	struct rt_map *evens = rt_map_new(1, LONG1, RT_LONG, 0, false);
	struct rt_map_order by_key_up = {RT_SORT_KEY, 1, +1};
	struct rt_map_order by_value_down = {RT_SORT_VALUE, 0, -1};
	struct rt_value k2 = K(2), k3 = K(3);
	int no = 0, ne = 0;

	for (int i = 0; i < 10; i++) {
		if (i % 2)
			set_long(odds, no++, i);
		else
			set_long(evens, ne++, i);
	}
	rt_map_delete(odds, &k2);
	rt_map_delete(evens, &k3);
	/* foreach (x+ in odds): odds[0] = 1, [1] = 3, [3] = 7, [4] = 9 */
	is_str(keys_of(odds, &by_key_up, RT_MAP_NO_LIMIT), "0,1,3,4",
	       "langref: foreach (x+ in odds)");
	is_int(get_long(odds, 3), 7, "odds[3] = 7");
	/* foreach (x in evens-): evens[4] = 8, [2] = 4, [1] = 2, [0] = 0 */
	is_str(keys_of(evens, &by_value_down, RT_MAP_NO_LIMIT), "4,2,1,0",
	       "langref: foreach (x in evens-)");
	rt_map_free(odds);
	rt_map_free(evens);
}

static void test_foreach_limit(void)
{
	static const int64_t keys[] = {9, 1, 8, 2, 7, 3, 6, 5, 4, 10};
	static const int64_t vals[] = {18, 40, 16, 4, 14, 36, 12, 10, 8, 20};
	struct rt_map *m = rt_map_new(1, LONG1, RT_LONG, 0, false);
	struct rt_map_order by_value = {RT_SORT_VALUE, 0, +1};
	struct rt_map_order by_key = {RT_SORT_KEY, 1, +1};
	struct rt_map_order none = {RT_SORT_NONE};

	for (int i = 0; i < 10; i++)
		set_long(m, keys[i], vals[i]);
	/* foreach_limit.exp */
	is_str(keys_of(m, NULL, RT_MAP_NO_LIMIT), "9,1,8,2,7,3,6,5,4,10",
	       "unsorted: insertion order");
	is_str(keys_of(m, &none, 5), "9,1,8,2,7", "unsorted limit 5");
	is_str(keys_of(m, &by_value, 5), "2,4,5,6,7", "sorted (by values) limit 5");
	is_str(keys_of(m, &by_key, 5), "1,2,3,4,5", "sorted (by keys) limit 5");
	is_str(keys_of(m, &by_value, 3), "2,4,5", "sorted (by values) limit 3");
	is_str(keys_of(m, &by_value, 6), "2,4,5,6,7,8", "sorted (by values) limit 6");
	is_str(keys_of(m, &by_value, 0), "", "limit 0: no iteration");
	is_str(keys_of(m, &by_value, -3), "", "a negative limit: no iteration");
	is_str(keys_of(m, &by_value, 100), "2,4,5,6,7,8,9,10,3,1", "limit past the size");
	set_long(m, 9, 1);
	is_str(keys_of(m, NULL, RT_MAP_NO_LIMIT), "9,1,8,2,7,3,6,5,4,10",
	       "setting an existing key keeps its place");
	is_str(keys_of(m, &by_value, 2), "9,2", "... and its new value sorts");
	rt_map_free(m);
}

static void test_aggregates(void)
{
	/* foreach_limit2.stp's agg_array: key, then the samples in order */
	static const int64_t data[][11] = {
	    {9, 18, 9, 54, 1, 2, 18, 18, 18, 18, 18},
	    {1, 40, 20, 120, 2, 3, 40, 40, 40, 40},
	    {8, 16, 8, 48, 3, 16, 16, 16, 16},
	    {2, 4, 2, 12, 4, 4, 4, 4},
	    {7, 14, 7, 42, 42, 14, 14},
	    {3, 36, 18, 36, 108, 36},
	    {6, 12, 6, 12, 12},
	    {5, 10, 5, 10},
	    {4, 8, 8},
	    {10, 20},
	};
	/* foreach_limit2.exp: key count sum avg min max variance */
	static const int64_t want[][7] = {
	    {9, 10, 174, 17, 1, 54, 216}, {1, 9, 345, 38, 2, 120, 1209},
	    {8, 8, 139, 17, 3, 48, 181},  {2, 7, 34, 4, 2, 12, 12},
	    {7, 6, 133, 22, 7, 42, 245},  {3, 5, 234, 46, 18, 108, 1240},
	    {6, 4, 42, 10, 6, 12, 9},	  {5, 3, 25, 8, 5, 10, 9},
	    {4, 2, 16, 8, 8, 8, 0},	  {10, 1, 20, 20, 20, 20, 0},
	};
	static const enum rt_stat_op ops[] = {RT_STAT_COUNT, RT_STAT_SUM, RT_STAT_AVG,
					      RT_STAT_MIN,   RT_STAT_MAX, RT_STAT_VARIANCE};
	struct rt_map *m = rt_map_new(1, LONG1, RT_STATS, 0, false);
	struct rt_map_order down = {RT_SORT_VALUE, 0, -1}; /* stat 0: @count */
	struct rt_map_order up = {RT_SORT_VALUE, 0, +1};
	struct rt_map_order by_key = {RT_SORT_KEY, 1, +1};
	struct rt_map_order by_max = {RT_SORT_VALUE, 0, -1, RT_STAT_MAX};
	struct rt_map_order by_avg = {RT_SORT_VALUE, 0, +1, RT_STAT_AVG};
	struct rt_value key, out;
	int64_t v;

	/* The samples arrive interleaved, as the .stp adds them row by row. */
	for (int round = 1; round <= 10; round++)
		for (int i = 0; i < 10; i++)
			if (round <= 10 - i) {
				key = K(data[i][0]);
				rt_map_add_stat(m, &key, data[i][round]);
			}
	for (int i = 0; i < 10; i++) {
		struct rt_stats *s;

		key = K(want[i][0]);
		s = rt_map_get_stats(m, &key);
		for (int j = 0; j < 6; j++) {
			rt_stats_get(s, ops[j], &v);
			is_int(v, want[i][j + 1], "agg_array[%lld]: op %d", (long long)want[i][0],
			       j);
		}
	}
	is_str(keys_of(m, &down, RT_MAP_NO_LIMIT), "9,1,8,2,7,3,6,5,4,10",
	       "foreach (key in agg_array-): by @count");
	is_str(keys_of(m, &up, 5), "10,4,5,6,3", "agg_array+ limit 5");
	is_str(keys_of(m, &by_key, 5), "1,2,3,4,5", "by keys limit 5");
	is_str(keys_of(m, &by_max, 3), "1,3,9", "foreach (k in agg_array @max-)");
	is_str(keys_of(m, &by_avg, 4), "2,5,4,6", "@avg+: 8 and 8 keep insertion order");

	key = K(42);
	ok(rt_map_get_stats(m, &key) == NULL, "a missing element: no aggregate");
	is_int(rt_map_get(m, &key, &out), 0, "get of a missing element");
	ok(out.type == RT_STATS && out.stats == NULL, "... an absent aggregate");
	ok(!rt_map_exists(m, &key), "... and nothing inserted");
	is_int(rt_stats_get(out.stats, RT_STAT_COUNT, &v), 0, "@count(agg_array[42]) is 0");
	is_int(rt_stats_get(out.stats, RT_STAT_AVG, &v), -ENODATA, "@avg(agg_array[42]) fails");
	out = K(1);
	is_int(rt_map_set(m, &key, &out), -EINVAL, "aggregates are added to, not set");
	rt_map_free(m);
}

static void test_stats_spec(void)
{
	struct rt_stats_spec lin = {RT_HIST_LINEAR, 0, 100, 10, 0};
	struct rt_stats_spec bad = {RT_HIST_LINEAR, 0, 100, 0, 0};
	struct rt_map *m = rt_map_new(1, LONG1, RT_STATS, 0, false);
	struct rt_map *l = rt_map_new(1, LONG1, RT_LONG, 0, false);
	struct rt_value key = K(1);
	int64_t v;

	is_int(rt_map_set_stats_spec(m, &bad), -EINVAL, "a bad histogram is refused");
	is_int(rt_map_set_stats_spec(l, &lin), -EINVAL, "only for aggregate arrays");
	is_int(rt_map_set_stats_spec(m, &lin), 0, "@hist_linear(a[k], 0, 100, 10)");
	rt_map_add_stat(m, &key, 55);
	is_int(rt_stats_nbuckets(rt_map_get_stats(m, &key)), 13, "elements get the histogram");
	rt_stats_bucket(rt_map_get_stats(m, &key), 6, &v);
	is_int(v, 1, "55 in bucket 6");
	is_int(rt_map_set_stats_spec(m, &lin), -EBUSY, "not once elements exist");
	rt_map_free(m);
	rt_map_free(l);
}

static void test_types_and_keys(void)
{
	static const enum rt_type kt[] = {RT_STRING, RT_LONG, RT_STRING};
	struct rt_map *m = rt_map_new(3, kt, RT_STRING, 0, false);
	struct rt_str *a = rt_str_cstr("a", 0), *b = rt_str_cstr("b", 0);
	struct rt_value k1[] = {rt_value_string(a), K(1), rt_value_string(b)};
	struct rt_value k2[] = {rt_value_string(a), K(2), rt_value_string(b)};
	struct rt_value k3[] = {rt_value_string(b), K(1), rt_value_string(a)};
	struct rt_value wrong[] = {K(1), K(1), rt_value_string(b)};
	struct rt_value v = rt_value_string(rt_str_cstr("value", 0)), out;
	static const enum rt_type nine[9] = {RT_LONG, RT_LONG, RT_LONG, RT_LONG,  RT_LONG,
					     RT_LONG, RT_LONG, RT_LONG, RT_STRING};
	struct rt_value k9[9];
	struct rt_map *m9;

	is_int(rt_map_set(m, k1, &v), 0, "m[\"a\", 1, \"b\"] = \"value\"");
	ok(rt_map_exists(m, k1), "[\"a\", 1, \"b\"] in m");
	ok(!rt_map_exists(m, k2), "[\"a\", 2, \"b\"] not in m");
	ok(!rt_map_exists(m, k3), "[\"b\", 1, \"a\"] not in m: keys are ordered");
	rt_map_get(m, k1, &out);
	is_str(out.str->data, "value", "get copies the value out");
	rt_value_release(&out);
	rt_map_get(m, k2, &out);
	is_str(out.str->data, "", "a missing string element reads \"\"");
	rt_value_release(&out);
	is_int(rt_map_size(m), 1, "get does not insert");
	is_int(rt_map_set(m, wrong, &v), -EINVAL, "a long where a string key belongs");
	is_int(rt_map_get(m, wrong, &out), -EINVAL, "... refused by get too");
	rt_value_release(&out);
	ok(!rt_map_exists(m, wrong), "... and by exists");
	is_int(rt_map_delete(m, wrong), -EINVAL, "... and by delete");
	out = K(3);
	is_int(rt_map_set(m, k2, &out), -EINVAL, "a long value in a string map");
	is_int(rt_map_delete(m, k2), 0, "deleting a missing key is fine");
	is_int(rt_map_delete(m, k1), 0, "delete m[\"a\", 1, \"b\"]");
	ok(!rt_map_exists(m, k1), "... gone");
	is_int(rt_map_size(m), 0, "... empty");
	rt_value_release(&v);
	rt_str_unref(a);
	rt_str_unref(b);
	rt_map_free(m);

	ok(rt_map_new(0, LONG1, RT_LONG, 0, false) == NULL, "no keys: refused");
	ok(rt_map_new(10, nine, RT_LONG, 0, false) == NULL, "10 keys: refused");
	m9 = rt_map_new(9, nine, RT_LONG, 0, false);
	ok(m9 != NULL, "9 keys allowed");
	for (int i = 0; i < 8; i++)
		k9[i] = K(i);
	k9[8] = rt_value_string(rt_str_cstr("last", 0));
	out = K(99);
	is_int(rt_map_set(m9, k9, &out), 0, "a 9-key element");
	is_int(rt_map_find(m9, k9)->value.num, 99, "found again");
	rt_value_release(&k9[8]);
	rt_map_free(m9);
}

static void test_limits(void)
{
	struct rt_map *m = rt_map_new(1, LONG1, RT_LONG, 3, false);
	struct rt_map *w = rt_map_new(1, LONG1, RT_LONG, 3, true);
	struct rt_map *d = rt_map_new(1, LONG1, RT_LONG, 0, false);
	struct rt_value key = K(4), val = K(40);
	int rc = 0;

	for (int i = 1; i <= 3; i++) {
		set_long(m, i, i * 10);
		set_long(w, i, i * 10);
	}
	is_int(rt_map_set(m, &key, &val), -E2BIG, "a new key in a full array: overflow");
	is_int(rt_map_size(m), 3, "... nothing added");
	set_long(m, 2, 22);
	is_int(get_long(m, 2), 22, "a full array still updates existing keys");
	key = K(2);
	rt_map_delete(m, &key);
	key = K(4);
	is_int(rt_map_set(m, &key, &val), 0, "room again after a delete");

	/* global w%[3] */
	is_int(rt_map_set(w, &key, &val), 0, "a wrapping array takes a 4th key");
	is_int(rt_map_size(w), 3, "... still 3 entries");
	is_str(keys_of(w, NULL, RT_MAP_NO_LIMIT), "2,3,4", "... the oldest (1) dropped");
	set_long(w, 2, 5); /* an update does not make 2 younger */
	set_long(w, 5, 50);
	is_str(keys_of(w, NULL, RT_MAP_NO_LIMIT), "3,4,5", "then 2, the oldest insertion");

	for (int i = 0; i < RT_MAXMAPENTRIES && rc == 0; i++) {
		key = K(i);
		rc = rt_map_set(d, &key, &val);
	}
	is_int(rc, 0, "MAXMAPENTRIES (2048) elements by default");
	key = K(-1);
	is_int(rt_map_set(d, &key, &val), -E2BIG, "the 2049th overflows");
	rt_map_clear(d);
	is_int(rt_map_size(d), 0, "delete d");
	is_int(rt_map_set(d, &key, &val), 0, "usable again");
	rt_map_free(m);
	rt_map_free(w);
	rt_map_free(d);
}

static void test_snapshot_safety(void)
{
	struct rt_map *m = rt_map_new(1, LONG1, RT_LONG, 0, false);
	struct rt_map *s = rt_map_new(1, LONG1, RT_STRING, 4, true);
	struct rt_map_snapshot snap;
	struct rt_value key, val;
	int visited = 0, live = 0;
	int64_t sum = 0;

	for (int i = 0; i < 100; i++)
		set_long(m, i, i);
	rt_map_snapshot(m, NULL, RT_MAP_NO_LIMIT, &snap);
	for (size_t i = 0; i < snap.n; i++) {
		const struct rt_map_entry *e = snap.entries[i];

		visited++;
		if (rt_map_entry_live(e))
			live++;
		sum += rt_map_entry_value(e)->num;
		/* at an even key, delete the next entry and this one; insert */
		if (rt_map_entry_key(e, 0)->num % 2 == 0) {
			key = K(rt_map_entry_key(e, 0)->num + 1);
			rt_map_delete(m, &key);
			key = *rt_map_entry_key(e, 0);
			rt_map_delete(m, &key);
		}
		set_long(m, 1000 + (int64_t)i, 1);
	}
	is_int(visited, 100, "the snapshot visits what was there");
	is_int(live, 50, "entries deleted meanwhile are seen as dead");
	is_int(sum, 4950, "... with their last values");
	rt_map_snapshot_free(&snap);
	is_int(rt_map_size(m), 100, "the inserts went in");
	rt_map_clear(m);

	/* clearing and freeing while a snapshot holds string entries */
	for (int i = 0; i < 6; i++) {
		char text[16];

		snprintf(text, sizeof(text), "v%d", i);
		key = K(i);
		val = rt_value_string(rt_str_cstr(text, 0));
		rt_map_set(s, &key, &val);
		rt_value_release(&val);
	}
	rt_map_snapshot(s, NULL, RT_MAP_NO_LIMIT, &snap);
	is_int(snap.n, 4, "a wrapping array of 4");
	rt_map_free(s);
	is_str(rt_map_entry_value(snap.entries[3])->str->data, "v5",
	       "entries outlive their freed map under a snapshot");
	ok(!rt_map_entry_live(snap.entries[0]), "... dead");
	rt_map_snapshot_free(&snap);
	rt_map_free(m);
}

static void test_sort_strings(void)
{
	static const enum rt_type kt[] = {RT_STRING, RT_LONG};
	static const char *const names[] = {"bob", "alice", "Carol", "alice", "dave", "bob"};
	struct rt_map *m = rt_map_new(2, kt, RT_LONG, 0, false);
	struct rt_map_order name_up = {RT_SORT_KEY, 1, +1};
	struct rt_map_order name_down = {RT_SORT_KEY, 1, -1};
	struct rt_map_order second_down = {RT_SORT_KEY, 2, -1};
	struct rt_map_order bad = {RT_SORT_KEY, 3, +1};
	struct rt_map_snapshot snap;
	char buf[256];

	for (int i = 0; i < 6; i++) {
		struct rt_value k[2] = {rt_value_string(rt_str_cstr(names[i], 0)), K(i)};
		struct rt_value v = K(0);

		rt_map_set(m, k, &v);
		rt_value_release(&k[0]);
	}
	/* foreach ([name+, n] in m): strcmp order ("C" < "a"), ties by insertion */
	rt_map_snapshot(m, &name_up, RT_MAP_NO_LIMIT, &snap);
	buf[0] = '\0';
	for (size_t i = 0; i < snap.n; i++) {
		char one[32];

		snprintf(one, sizeof(one), "%s%s/%lld", i ? "," : "",
			 rt_map_entry_key(snap.entries[i], 0)->str->data,
			 (long long)rt_map_entry_key(snap.entries[i], 1)->num);
		strcat(buf, one);
	}
	rt_map_snapshot_free(&snap);
	is_str(buf, "Carol/2,alice/1,alice/3,bob/0,bob/5,dave/4", "foreach ([a+, b] in m)");
	rt_map_snapshot(m, &name_down, RT_MAP_NO_LIMIT, &snap);
	is_str(rt_map_entry_key(snap.entries[0], 0)->str->data, "dave", "foreach ([a-, b] in m)");
	is_int(rt_map_entry_key(snap.entries[1], 1)->num, 0, "... ties still in insertion order");
	rt_map_snapshot_free(&snap);
	rt_map_snapshot(m, &second_down, 2, &snap);
	is_int(rt_map_entry_key(snap.entries[0], 1)->num, 5, "foreach ([a, b-] in m limit 2)");
	is_int(snap.n, 2, "... 2 of them");
	rt_map_snapshot_free(&snap);
	is_int(rt_map_snapshot(m, &bad, RT_MAP_NO_LIMIT, &snap), -EINVAL, "no third key to sort");
	rt_map_free(m);
}

int main(void)
{
	test_langref_foreach();
	test_foreach_limit();
	test_aggregates();
	test_stats_spec();
	test_types_and_keys();
	test_limits();
	test_snapshot_safety();
	test_sort_strings();
	return tap_done();
}
