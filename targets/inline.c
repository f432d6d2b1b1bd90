/* inline.c: sq() inlined into f1() and f2(); prints each iteration and how many times sq ran. */
#include <stdio.h>
#include <stdlib.h>

#include "probed.h"

/* How many times sq's body ran: what a probe on the inlined copies must count. */
long sq_calls;

static inline __attribute__((always_inline)) long sq(long x)
{
	sq_calls++;
	return x * x;
}

PROBED long f1(long x)
{
	return sq(x) + 1;
}

/* One copy per caller, so each run of sq enters a distinct inlined copy. */
PROBED long f2(long x)
{
	return sq(x + 2) - x;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 5;
	long total = 0;
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < n; i++) {
		long a = f1(i);
		long b = f2(i);

		total += a * 3 + b; /* LINE-PROBE */
		printf("iter i=%d f1=%ld f2=%ld\n", i, a, b);
	}
	printf("total=%ld sq_calls=%ld iterations=%d\n", total, sq_calls, n);
	return 0;
}
