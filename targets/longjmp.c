/* longjmp.c: jumper() (under a return probe) longjmps out to main's setjmp on odd calls, returns normally on even ones. */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

#include "probed.h"

static jmp_buf env;

/* One frame deeper, so a longjmp abandons two hijacked return addresses. */
PROBED long inner(int i)
{
	if (i % 2)
		longjmp(env, i);
	return i * 10;
}

PROBED long jumper(int i)
{
	return inner(i) + 1;
}

PROBED long after(int i)
{
	return i * i;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 6;
	volatile int i;
	int j;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < n; i++) {
		int v = setjmp(env);

		if (v == 0)
			printf("jumper i=%d ret=%ld\n", i, jumper(i));
		else
			printf("jumper i=%d longjmp=%d\n", i, v);
	}
	for (j = 0; j < n; j++)
		printf("after i=%d ret=%ld\n", j, after(j));
	return 0;
}
