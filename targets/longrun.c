/* longrun.c: runs until SIGTERM, threads calling step(i) every few ms and checking every result ("ok"/"BAD"); for attach, detach, re-attach. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "probed.h"

#define CALLS_PER_ROUND 3
#define MAX_THREADS 16
/* Thread T's arguments are T * STRIDE + 0, 1, 2, ... */
#define STRIDE 1000000000L

static volatile sig_atomic_t stop;
static long max_rounds;
/* busy: no sleep and no line per call, rounds of BUSY_CALLS calls: threads
 * are always running through step() when utap plants or removes its int3s. */
static int busy;

#define BUSY_CALLS 1000000

struct worker {
	pthread_t id;
	long thread;
	long rounds;
	long bad;
};

static void on_term(int sig)
{
	stop = 1;
}

PROBED long step(long i)
{
	return i * 3 + 7;
}

/* Where longrun spends most of its time: a detach under a return probe
 * most likely finds a thread in here, its return address hijacked. */
PROBED long nap(long round)
{
	struct timespec pause = { 0, 3 * 1000 * 1000 };

	nanosleep(&pause, NULL);
	return round;
}

static void *run(void *arg)
{
	struct worker *w = arg;
	long i = w->thread * STRIDE;

	int calls = busy ? BUSY_CALLS : CALLS_PER_ROUND;

	while (!stop && (!max_rounds || w->rounds < max_rounds)) {
		int c, round_bad = 0;

		for (c = 0; c < calls; c++, i++) {
			long got = step(i);

			if (!busy)
				printf("step i=%ld ret=%ld\n", i, got);
			if (got != i * 3 + 7)
				round_bad++;
		}
		w->bad += round_bad;
		printf("round=%ld thread=%ld %s\n", w->rounds, w->thread,
		       round_bad ? "BAD" : "ok");
		if (!busy && nap(w->rounds) != w->rounds)
			w->bad++;
		w->rounds++;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	/* longrun [THREADS [ROUNDS [busy]]]: ROUNDS 0 (default) runs until SIGTERM. */
	int nthreads = argc > 1 ? atoi(argv[1]) : 1;
	struct worker w[MAX_THREADS] = { 0 };
	long rounds = 0, bad = 0;
	int t;

	max_rounds = argc > 2 ? atol(argv[2]) : 0;
	busy = argc > 3 && strcmp(argv[3], "busy") == 0;
	if (nthreads < 1 || nthreads > MAX_THREADS)
		nthreads = 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	printf("started threads=%d\n", nthreads);
	/* Thread 0 is the main thread itself. */
	for (t = 1; t < nthreads; t++) {
		w[t].thread = t;
		if (pthread_create(&w[t].id, NULL, run, &w[t])) {
			perror("pthread_create");
			return 1;
		}
	}
	run(&w[0]);
	for (t = 0; t < nthreads; t++) {
		if (t)
			pthread_join(w[t].id, NULL);
		rounds += w[t].rounds;
		bad += w[t].bad;
	}
	printf("done threads=%d rounds=%ld bad=%ld\n", nthreads, rounds, bad);
	return bad ? 1 : 0;
}
