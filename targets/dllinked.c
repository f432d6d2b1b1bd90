/* dllinked.c: linked against libplug.so; calls plug_add() N times and prints each result, then
 * the library's count of calls, through a pointer whose type only the library knows. */
#include <stdio.h>
#include <stdlib.h>

#include "probed.h"

int plug_add(int a, int b);
const void *plug_stats(void);
long plug_calls(const void *s);

PROBED void report(const void *stats)
{
	printf("plug_stats calls=%ld\n", plug_calls(stats));
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 5;
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < n; i++) {
		int a = 100 + i, b = 3 * i;

		printf("plug_add a=%d b=%d ret=%d\n", a, b, plug_add(a, b));
	}
	report(plug_stats());
	return 0;
}
