/* addrmap.h: a hash map from a non-zero 64-bit key (an address, a thread
 * id) to a fixed-size value, open addressing: the leak checker keeps
 * millions of blocks in it, so no allocation per entry. */
#ifndef UTAP_LEAKS_ADDRMAP_H
#define UTAP_LEAKS_ADDRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct addrmap {
	uint64_t *keys; /* 0: empty */
	unsigned char *vals;
	size_t vsize, cap, n;
};

/* An empty map of values of VSIZE bytes (nothing allocated yet). */
void addrmap_init(struct addrmap *m, size_t vsize);
void addrmap_free(struct addrmap *m);
/* KEY's value, or NULL. */
void *addrmap_get(const struct addrmap *m, uint64_t key);
/* KEY's value, made (zeroed) if new: *FRESH says which.  NULL when out of
 * memory or KEY is 0. */
void *addrmap_put(struct addrmap *m, uint64_t key, bool *fresh);
/* Remove KEY, its value copied to OUT (if not NULL) first.  False if absent. */
bool addrmap_del(struct addrmap *m, uint64_t key, void *out);
/* Slot I (0 <= I < m->cap): its value and *KEY, or NULL if the slot is empty. */
void *addrmap_slot(const struct addrmap *m, size_t i, uint64_t *key);

#endif
