/* exits.c: ends the way argv[1] says (code K, signal N, segv) after a probed call, so tests can check the exit status utap passes on. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probed.h"

PROBED int finish(int how)
{
	return how;
}

int main(int argc, char **argv)
{
	const char *how = argc > 1 ? argv[1] : "code";
	int n = argc > 2 ? atoi(argv[2]) : 0;

	printf("exits how=%s n=%d\n", how, n);
	fflush(stdout);
	if (strcmp(how, "code") == 0)
		return finish(n);
	if (strcmp(how, "signal") == 0)
		raise(finish(n));
	if (strcmp(how, "segv") == 0)
		return *(volatile int *)(long)finish(0);
	if (strcmp(how, "abort") == 0) {
		finish(0);
		abort();
	}
	fprintf(stderr, "exits: unknown way '%s'\n", how);
	return 100;
}
