/* usdt.c: SDT markers (<sys/sdt.h>, as SystemTap's .mark probes read them) with
 * arguments in registers, in memory and constant; prints what each marker had. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/sdt.h>

struct order {
	int id;
	long total;
	const char *who;
};

static volatile long sink;

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 3;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 0; i < n; i++) {
		struct order o = {100 + i, 1000L * i - 7, i % 2 ? "odd" : "even"};

		STAP_PROBE3(shop, order, o.id, o.total, o.who);
		STAP_PROBE1(shop, tick, 42);
		printf("order id=%d total=%ld who=%s\n", o.id, o.total, o.who);
		sink += o.total;
	}
	STAP_PROBE(shop, done);
	printf("done n=%d\n", n);
	return 0;
}
