/* test_leaks_addrmap.c: utap leaks' address map against a plain array:
 * inserts, lookups, deletions that shift entries back, growth, iteration. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tests/tap.h"
#include "tools/leaks/addrmap.h"

#define N 20000

struct val {
	uint64_t key_copy;
	uint32_t n;
};

/* Keys that collide: aligned addresses in a few clusters, as heaps give. */
static uint64_t key_of(int i)
{
	return 0x555500000000ull + (uint64_t)(i % 7) * 0x100000000ull + (uint64_t)i * 16;
}

int main(void)
{
	static bool present[N];
	struct addrmap m;
	bool fresh, all_ok = true;
	size_t count = 0, seen = 0;
	uint64_t seed = 12345;

	addrmap_init(&m, sizeof(struct val));
	ok(addrmap_get(&m, key_of(1)) == NULL, "an empty map has nothing");
	ok(addrmap_put(&m, 0, &fresh) == NULL, "key 0 is refused (it marks empty slots)");
	for (int i = 0; i < N; i++) {
		struct val *v = addrmap_put(&m, key_of(i), &fresh);

		if (!v || !fresh) {
			all_ok = false;
			continue;
		}
		v->key_copy = key_of(i);
		v->n = (uint32_t)i;
		present[i] = true;
	}
	ok(all_ok, "%d fresh inserts", N);
	is_int(m.n, N, "the map counts them");
	ok(addrmap_put(&m, key_of(5), &fresh) && !fresh && ((struct val *)addrmap_get(&m, key_of(5)))->n == 5,
	   "a second put of a key finds the first value");
	/* delete a pseudo-random half, then check every key */
	all_ok = true;
	for (int k = 0; k < N; k++) {
		int i;
		struct val out;

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		i = (int)((seed >> 33) % N);
		if (present[i]) {
			if (!addrmap_del(&m, key_of(i), &out) || out.n != (uint32_t)i)
				all_ok = false;
			present[i] = false;
		} else if (addrmap_del(&m, key_of(i), NULL)) {
			all_ok = false;
		}
	}
	ok(all_ok, "deleting keys gives their values; deleting absent ones fails");
	all_ok = true;
	for (int i = 0; i < N; i++) {
		struct val *v = addrmap_get(&m, key_of(i));

		count += present[i];
		if (present[i] ? !v || v->n != (uint32_t)i || v->key_copy != key_of(i) : v != NULL)
			all_ok = false;
	}
	ok(all_ok, "after the deletions every key left is found with its value, no other");
	is_int(m.n, count, "the count follows");
	for (size_t i = 0; i < m.cap; i++) {
		uint64_t key;
		struct val *v = addrmap_slot(&m, i, &key);

		if (v) {
			seen++;
			if (v->key_copy != key)
				all_ok = false;
		}
	}
	is_int(seen, count, "iterating the slots visits each entry once");
	ok(all_ok, "each slot's key is its value's");
	addrmap_free(&m);
	ok(m.n == 0 && addrmap_get(&m, key_of(1)) == NULL, "a freed map is empty and usable");
	return tap_done();
}
