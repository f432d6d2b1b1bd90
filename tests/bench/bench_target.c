/* bench_target.c: calls bench_fn N times (argv[1]); the per-hit cost target of `make bench`. */
#include <stdio.h>
#include <stdlib.h>

/*
 * noipa: no inlining, no clone (.isra/.constprop), no assumption about the
 * callers, so every iteration really enters bench_fn at its symbol with x
 * in %rdi. Built with -fcf-protection=full, the first instruction is endbr64.
 */
__attribute__((noipa)) long bench_fn(long x)
{
	return x * 3 + (x >> 2);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 0) : 1000;
	long acc = 0;

	for (long i = 0; i < n; i++)
		acc += bench_fn(i);
	/* Printed, so the calls cannot be dropped. */
	printf("%ld\n", acc);
	return 0;
}
