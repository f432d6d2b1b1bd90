/* recurse.c: recursive fib(n); every call prints its argument and what it returns, in return order. */
#include <stdio.h>
#include <stdlib.h>

#include "probed.h"

PROBED long fib(int n)
{
	long r = n < 2 ? n : fib(n - 1) + fib(n - 2);

	printf("fib n=%d ret=%ld\n", n, r);
	return r;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 10;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("result fib(%d)=%ld\n", n, fib(n));
	return 0;
}
