/* scripted.c: what the complete scripts of script_complete.t trace; each mode prints its own counts, arguments, results and the block it frees twice. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "probed.h"

/*
 * scripted calls N MS   alpha() N times, beta() 2N, gamma_() N/2 + 1, in
 *                       rounds spread over about MS milliseconds; prints
 *                       "calls fn=NAME count=K" per function
 * scripted ltrace N     scale(), label(), count_char() with varied
 *                       arguments; prints "call FN(ARGS) = RET" per call
 * scripted mallocs N    N malloc/free pairs from make_block/release_block,
 *                       then one double free in free_twice(); prints
 *                       "site fn=NAME mallocs=M frees=F" per calling
 *                       function and "~ double_free addr=0x..."
 */

/* ---- calls ---------------------------------------------------------------- */

static long sink;

PROBED long alpha(long x)
{
	return x * 2 + 1;
}

PROBED long beta(long x)
{
	return x - 3;
}

PROBED long gamma_(long x)
{
	return x ^ 0x55;
}

static int calls(int n, int ms)
{
	int rounds = 10, r, i, a = 0, b = 0, g = 0;
	struct timespec pause = { 0, (long)ms * 1000 * 1000 / rounds };

	for (r = 0; r < rounds; r++) {
		for (i = r * n / rounds; i < (r + 1) * n / rounds; i++) {
			sink += alpha(i), a++;
			sink += beta(i), b++;
			sink += beta(-i), b++;
			if (i % 2 == 0)
				sink += gamma_(i), g++;
		}
		nanosleep(&pause, NULL);
	}
	sink += gamma_(n), g++;
	printf("calls fn=alpha count=%d\n", a);
	printf("calls fn=beta count=%d\n", b);
	printf("calls fn=gamma_ count=%d\n", g);
	printf("sink=%ld\n", sink);
	return 0;
}

/* ---- ltrace -------------------------------------------------------------- */

PROBED long scale(int x, long k)
{
	return x * k;
}

static const char *const names[] = { "zero", "one", "two", "three", "four", "five" };

PROBED const char *label(unsigned n)
{
	return names[n % 6];
}

PROBED int count_char(const char *s, int c)
{
	int k = 0;

	for (; *s; s++)
		k += *s == c;
	return k;
}

static int ltrace(int n)
{
	int i;

	for (i = 0; i < n; i++) {
		int x = i * 7 - 20;
		long k = 1000L * i - 3;
		long r = scale(x, k);
		const char *l;
		int c;

		printf("call scale(%d, %ld) = %ld\n", x, k, r);
		l = label((unsigned)i * 5);
		printf("call label(%u) = \"%s\"\n", (unsigned)i * 5, l);
		c = count_char(l, 'e');
		printf("call count_char(\"%s\", %d) = %d\n", l, 'e', c);
	}
	return 0;
}

/* ---- mallocs ------------------------------------------------------------- */

struct site {
	const char *fn;
	int mallocs;
	int frees;
};

static struct site make_site = { "make_block" }, release_site = { "release_block" },
		   twice_site = { "free_twice" };

PROBED char *make_block(int i)
{
	size_t size = 16 + (size_t)(i % 13) * 24;
	char *p = malloc(size);

	if (p) {
		memset(p, 'a' + i % 26, size);
		make_site.mallocs++;
	}
	return p;
}

PROBED void release_block(char *p)
{
	free(p);
	release_site.frees++;
}

/*
 * One block freed twice, and the C library must not notice (it would
 * abort): the 40-byte bin of the thread cache gets its 7 blocks first, so
 * a and b go to the fast bin, whose check only compares a block with the
 * last one freed: free(a), free(b), free(a) passes it. The blocks are
 * written (memset) so the word the cache marks its blocks with is not the
 * cache's key. Nothing is allocated afterwards (stdout's buffer exists
 * already): the fast bin holds a twice, and a large request would make
 * malloc consolidate the fast bins and abort.
 */
#define FILL 7
#define SMALL 40

PROBED uintptr_t free_twice(void)
{
	void *fill[FILL], *b;
	void *volatile a; /* freed twice on purpose: no use-after-free warning */
	uintptr_t addr;
	int k;

	a = malloc(SMALL);
	b = malloc(SMALL);
	for (k = 0; k < FILL; k++)
		fill[k] = malloc(SMALL);
	twice_site.mallocs += 2 + FILL;
	if (!a || !b)
		exit(1);
	addr = (uintptr_t)a;
	memset(a, 'A', SMALL);
	memset(b, 'B', SMALL);
	for (k = 0; k < FILL; k++) {
		if (!fill[k])
			exit(1);
		memset(fill[k], 'F', SMALL);
	}
	for (k = 0; k < FILL; k++)
		free(fill[k]);
	free(a);
	free(b);
	free(a); /* the double free */
	twice_site.frees += FILL + 3;
	return addr;
}

static int mallocs(int n)
{
	uintptr_t twice;
	int i;

	/* stdout's buffer now, not after the double free (see free_twice) */
	printf("mallocs n=%d\n", n);
	for (i = 0; i < n; i++)
		release_block(make_block(i));
	twice = free_twice();
	printf("site fn=%s mallocs=%d frees=%d\n", make_site.fn, make_site.mallocs,
	       make_site.frees);
	printf("site fn=%s mallocs=%d frees=%d\n", release_site.fn, release_site.mallocs,
	       release_site.frees);
	printf("site fn=%s mallocs=%d frees=%d\n", twice_site.fn, twice_site.mallocs,
	       twice_site.frees);
	/* run-dependent (ASLR): on a "~ " line, which comparisons drop */
	printf("~ double_free addr=0x%lx\n", (unsigned long)twice);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "calls";
	int n = argc > 2 ? atoi(argv[2]) : 10;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(mode, "calls") == 0)
		return calls(n, argc > 3 ? atoi(argv[3]) : 0);
	if (strcmp(mode, "ltrace") == 0)
		return ltrace(n);
	if (strcmp(mode, "mallocs") == 0)
		return mallocs(n);
	fprintf(stderr, "usage: scripted calls|ltrace|mallocs [N [MS]]\n");
	return 2;
}
