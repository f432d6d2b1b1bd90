/* plt.c: calls into libpltlib.so through the PLT or the GOT; targets.mk builds it
 * lazy (plt), -z now (plt-now), with IBT's .plt.sec (plt-ibt) and -fno-plt
 * (plt-noplt), all at -O2 so via_tail() tail-calls. It prints every library
 * call it makes, with arguments and result, then how many of each. */
#include <stdio.h>
#include <stdlib.h>

#include "pltlib.h"
#include "probed.h"

static const char *const words[] = {"a", "plt", "probe", "GOT-call"};

/* A tail call: "jmp plt_tail@plt", or "jmp *plt_tail@GOTPCREL(%rip)". */
PROBED long via_tail(long x)
{
	return plt_tail(x);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 3;
	int adds = 0, sevens = 0, tails = 0, lens = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 0; i < n; i++) {
		int a = i - 2, b = 10 * i + 1, r;
		long g = 1000 + i, s, t;
		const char *w = words[i % 4];

		r = plt_add(a, b);
		adds++;
		printf("call plt_add a=%d b=%d ret=%d\n", a, b, r);
		s = plt_seven(1, 2, 3, 4, 5, 6, g);
		sevens++;
		printf("call plt_seven g=%ld ret=%ld\n", g, s);
		t = via_tail(i);
		tails++;
		printf("call plt_tail x=%d ret=%ld\n", i, t);
		r = plt_len(w);
		lens++;
		printf("call plt_len s=%s ret=%d\n", w, r);
	}
	printf("count plt_add=%d plt_seven=%d plt_tail=%d plt_len=%d\n", adds, sevens, tails,
	       lens);
	return 0;
}
