/* demo.c: a tiny order desk for `make demo`: orders (a struct and a note string) go through check, price and ship. */
#include <stdio.h>
#include <string.h>

#include "probed.h"

struct order {
	int id;
	int qty;
	long unit_cents;
	const char *customer;
};

PROBED long total_cents(const struct order *o)
{
	long total = o->qty * o->unit_cents;

	/* Ten or more of anything: 5% off. */
	return o->qty >= 10 ? total - total / 20 : total;
}

PROBED int process_order(const struct order *o, const char *note)
{
	long total = total_cents(o);

	printf("order #%d for %s: %d x %ld.%02ld = %ld.%02ld (%s)\n", o->id,
	       o->customer, o->qty, o->unit_cents / 100, o->unit_cents % 100,
	       total / 100, total % 100, note);
	return total > 10000;
}

int main(void)
{
	static const struct order orders[] = {
		{ 1001, 2, 1250, "ada" },
		{ 1002, 12, 399, "grace" },
		{ 1003, 1, 24900, "linus" },
	};
	static const char *notes[] = { "gift-wrap", "bulk", "express" };
	int i, big = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < 3; i++)
		big += process_order(&orders[i], notes[i]);
	printf("%d orders, %d over 100.00\n", i, big);
	return 0;
}
