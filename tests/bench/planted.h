/* planted.h: the leaks the leak-checker benchmark targets plant, and what
 * makes them findable by any conservative checker. */
#ifndef UTAP_BENCH_PLANTED_H
#define UTAP_BENCH_PLANTED_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *volatile sink; /* stores no compiler may drop */

/* Leak N blocks of SIZE bytes; say so ("planted N BYTES").  Call it first:
 * a leaked block at an address the program freed before could be named by
 * a stale copy of the old pointer, which a conservative scan takes for a
 * reference (valgrind delays reusing freed memory for that reason; glibc
 * does not). */
static __attribute__((noinline)) void plant(int n, size_t size)
{
	for (int i = 0; i < n; i++) {
		char *p = malloc(size);

		memset(p, i, size);
		sink = p;
	}
	sink = NULL;
	printf("planted %d %zu\n", n, (size_t)n * size);
	fflush(stdout);
}

/* No stale copy of a leaked pointer on the stack may look like a reference. */
static __attribute__((noinline)) void scrub_stack(void)
{
	volatile char buf[16384];

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = 0;
}

#endif
