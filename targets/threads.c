/* threads.c: 4 threads each call tick(thread, k) N times; prints per-thread counts and the total. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "probed.h"

#define NTHREADS 4

struct worker {
	pthread_t id;
	int thread;
	int calls;
	long count;
	long sum;
};

static pthread_barrier_t start;

PROBED long tick(int thread, int k)
{
	return (long)thread * 100000 + k;
}

static void *run(void *arg)
{
	struct worker *w = arg;
	int k;

	/* Start together so the threads really hit the probe at the same time. */
	pthread_barrier_wait(&start);
	for (k = 0; k < w->calls; k++) {
		w->sum += tick(w->thread, k);
		w->count++;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1000;
	struct worker w[NTHREADS];
	long total = 0;
	int t;

	pthread_barrier_init(&start, NULL, NTHREADS);
	for (t = 0; t < NTHREADS; t++) {
		w[t] = (struct worker){ .thread = t, .calls = n };
		if (pthread_create(&w[t].id, NULL, run, &w[t])) {
			perror("pthread_create");
			return 1;
		}
	}
	for (t = 0; t < NTHREADS; t++) {
		pthread_join(w[t].id, NULL);
		printf("thread=%d count=%ld sum=%ld\n", t, w[t].count, w[t].sum);
		total += w[t].sum;
	}
	printf("threads=%d calls=%d total=%ld\n", NTHREADS, n, total);
	return 0;
}
