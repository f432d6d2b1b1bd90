/* alloc_heavy.c: the leak checkers' worst case: N malloc/free pairs (default
 * 1000000) of varied sizes, and 3 planted leaks of 1000 bytes each. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "planted.h"

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000;
	unsigned long sum = 0;

	/* leaked first: see planted.h */
	plant(3, 1000);
	scrub_stack();
	for (long i = 0; i < n; i++) {
		unsigned char *p = malloc(16 + (size_t)(i % 200));

		p[0] = (unsigned char)i;
		sum += p[0];
		sink = p; /* escapes: no compiler may drop the pair */
		free(p);
	}
	printf("pairs=%ld sum=%lu\n", n, sum);
	return 0;
}
