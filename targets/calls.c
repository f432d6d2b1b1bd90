/* calls.c: work(int, struct pair *) called N times; prints what it passed and what came back. */
#include <stdio.h>
#include <stdlib.h>

#include "probed.h"

struct pair {
	long a;
	long b;
};

PROBED long work(int i, struct pair *p)
{
	return i + p->a * p->b;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 5;
	long checksum = 0;
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* Extra arguments are echoed so tests can check how argv was split. */
	for (i = 2; i < argc; i++)
		printf("arg[%d]=<%s>\n", i, argv[i]);
	for (i = 0; i < n; i++) {
		struct pair p = { .a = 7 * i + 1, .b = 1000 - 3 * i };
		long ret = work(i, &p);

		printf("work i=%d a=%ld b=%ld ret=%ld\n", i, p.a, p.b, ret);
		checksum = checksum * 31 + ret;
	}
	printf("checksum=%ld calls=%d\n", checksum, n);
	return 0;
}
