/* longrun.c: runs until SIGTERM, calling step(i) every few ms and checking every result itself ("ok"/"BAD"); for attach, detach, re-attach. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "probed.h"

#define CALLS_PER_ROUND 3

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	stop = 1;
}

PROBED long step(long i)
{
	return i * i + 7;
}

int main(int argc, char **argv)
{
	/* Optional: stop on our own after this many rounds (0: never). */
	long max_rounds = argc > 1 ? atol(argv[1]) : 0;
	struct timespec pause = { 0, 3 * 1000 * 1000 };
	long round = 0, i = 0, bad = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	printf("started\n");
	while (!stop && (!max_rounds || round < max_rounds)) {
		int c, round_bad = 0;

		for (c = 0; c < CALLS_PER_ROUND; c++, i++) {
			long got = step(i);

			printf("step i=%ld ret=%ld\n", i, got);
			if (got != i * i + 7)
				round_bad++;
		}
		bad += round_bad;
		printf("round=%ld %s\n", round++, round_bad ? "BAD" : "ok");
		nanosleep(&pause, NULL);
	}
	printf("done rounds=%ld calls=%ld bad=%ld\n", round, i, bad);
	return bad ? 1 : 0;
}
