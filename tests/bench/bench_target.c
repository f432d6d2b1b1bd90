/* bench_target.c: calls bench_fn N times (argv[1]); the per-hit cost target of `make bench`. */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

/*
 * noipa: no inlining, no clone (.isra/.constprop), no assumption about the
 * callers, so every iteration really enters bench_fn at its symbol with x
 * in %rdi, the record in %rsi and the tag in %rdx. Built with -fcf-protection=full, the first instruction is endbr64.
 */
struct rec {
	long id, qty, price;
};

/* The record and the tag give a probe members and a string to fetch. */
__attribute__((noipa)) long bench_fn(long x, const struct rec *r, const char *tag)
{
	return x * 3 + (x >> 2) + r->qty + tag[0];
}

/*
 * BENCH_DEPTH=D makes the calls D frames below main, so a probe with -s
 * has a stack of some depth to walk.  noipa: each level is a real frame.
 */
__attribute__((noipa)) static long run(long n, long depth, struct rec *rec)
{
	long acc = 0;

	if (depth > 0) {
		acc = run(n, depth - 1, rec);
		/* opaque to gcc: no tail call, no recursion turned into a loop */
		__asm__ volatile("" : "+r"(acc));
		return acc + 1;
	}
	for (long i = 0; i < n; i++) {
		rec->id = i;
		acc += bench_fn(i, rec, "order");
	}
	return acc;
}

/*
 * BENCH_TARGET_CPU=C moves this process to CPU C, away from a tracer pinned
 * elsewhere: the cross-CPU cost of a hit, without the scheduler's whims.
 */
static void move_to_cpu(void)
{
	const char *cpu = getenv("BENCH_TARGET_CPU");
	cpu_set_t set;

	if (!cpu)
		return;
	CPU_ZERO(&set);
	CPU_SET(atoi(cpu), &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		perror("bench_target: sched_setaffinity");
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 0) : 1000;
	const char *depth = getenv("BENCH_DEPTH");
	struct rec rec = {0, 2, 1250};
	long acc;

	move_to_cpu();
	acc = run(n, depth ? strtol(depth, NULL, 0) : 0, &rec);
	/* Printed, so the calls cannot be dropped. */
	printf("%ld\n", acc);
	return 0;
}
