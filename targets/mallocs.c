/* mallocs.c: malloc()s distinctive sizes (1000003 + i) and prints each; with "forever" it keeps going until SIGTERM, for attach tests. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BASE_SIZE 1000003

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	stop = 1;
}

static int one(long i)
{
	size_t size = BASE_SIZE + i;
	char *p = malloc(size);

	if (!p)
		return -1;
	/* Touch it so the allocation cannot be optimised away. */
	p[0] = (char)i;
	p[size - 1] = (char)i;
	printf("malloc size=%zu\n", size);
	free(p);
	return 0;
}

int main(int argc, char **argv)
{
	int forever = argc > 1 && strcmp(argv[1], "forever") == 0;
	long n = argc > 1 && !forever ? atol(argv[1]) : 10;
	struct timespec pause = { 0, 2 * 1000 * 1000 };
	long i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGTERM, on_term);
	if (forever)
		printf("started\n");
	for (i = 0; forever ? !stop : i < n; i++) {
		if (one(i))
			return 1;
		if (forever)
			nanosleep(&pause, NULL);
	}
	printf("done mallocs=%ld\n", i);
	return 0;
}
