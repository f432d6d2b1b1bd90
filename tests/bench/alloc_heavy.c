/* alloc_heavy.c: the leak checkers' worst case: N malloc/free pairs (default
 * 1000000) of varied sizes, and 3 planted leaks of 1000 bytes each. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *volatile sink;

static __attribute__((noinline)) void plant(void)
{
	for (int i = 0; i < 3; i++) {
		char *p = malloc(1000);

		memset(p, i, 1000);
		sink = p;
	}
	sink = NULL;
}

/* No stale copy of a leaked pointer on the stack may look like a reference
 * (to any conservative leak checker). */
static __attribute__((noinline)) void scrub_stack(void)
{
	volatile char buf[16384];

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = 0;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000;
	unsigned long sum = 0;

	/* Leaked first: no stale pointer to a freed block can then name a
	 * leaked one at the same address (see compute_heavy.c). */
	plant();
	scrub_stack();
	for (long i = 0; i < n; i++) {
		unsigned char *p = malloc(16 + (size_t)(i % 200));

		p[0] = (unsigned char)i;
		sum += p[0];
		sink = p; /* escapes: no compiler may drop the pair */
		free(p);
	}
	printf("pairs=%ld sum=%lu planted 3 3000\n", n, sum);
	return 0;
}
