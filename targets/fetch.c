/* fetch.c: arguments of every width and sign, stack arguments, nested struct pointers and strings; prints each value the way utap should. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probed.h"

struct rec {
	unsigned char u8;
	short s16;
	int s32;
	long s64;
	const char *name;
	struct rec *next;
};

/* Eight arguments: the last two are on the stack at entry. */
PROBED long many(int a0, long a1, short a2, signed char a3, unsigned a4,
		 unsigned long a5, long a6, long a7)
{
	return a0 + a1 + a2 + a3 + (long)a4 + (long)a5 + a6 + a7;
}

PROBED int walk(const struct rec *r)
{
	return r->s32 + (r->next ? r->next->s32 : 0);
}

/* --layout: the offsets a probe on walk() needs, as utap's +OFF() takes them. */
static void layout(void)
{
	printf("u8=%zu s16=%zu s32=%zu s64=%zu name=%zu next=%zu\n",
	       offsetof(struct rec, u8), offsetof(struct rec, s16),
	       offsetof(struct rec, s32), offsetof(struct rec, s64),
	       offsetof(struct rec, name), offsetof(struct rec, next));
}

int main(int argc, char **argv)
{
	static const char *names[] = { "alpha", "beta-2", "", "x_y.z" };
	int n = argc > 1 ? atoi(argv[1]) : 4;
	int i;

	if (argc > 1 && strcmp(argv[1], "--layout") == 0) {
		layout();
		return 0;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < n; i++) {
		int a0 = -7 * i + 3;
		long a1 = -123456789012L * (i + 1);
		short a2 = (short)(-1234 + 1000 * i);
		signed char a3 = (signed char)(-5 - 40 * i);
		unsigned a4 = 0xdeadbeefu + i;
		unsigned long a5 = 0xffffffffffffffffUL - i;
		long a6 = -600L - i, a7 = 700L + i;
		long ret = many(a0, a1, a2, a3, a4, a5, a6, a7);

		/* As utap prints: :sNN decimal, default u64 decimal, :xNN hex. */
		printf("many a0=%d a1=%ld a2=%d a3=%d a4=0x%x a5=%lu a6=%ld a7=%ld"
		       " u1=%lu ret=%ld\n",
		       a0, a1, a2, a3, a4, a5, a6, a7, (unsigned long)a1, ret);
	}
	for (i = 0; i < n; i++) {
		struct rec next = { .s32 = 1000 + i, .name = "next" };
		struct rec r = {
			.u8 = (unsigned char)(250 + i), .s16 = (short)(-300 * i),
			.s32 = -70000 * i, .s64 = -5000000000L * i,
			.name = names[i % 4], .next = i % 2 ? &next : NULL,
		};
		int ret = walk(&r);
		char nx[32] = "(fault)"; /* reading through NULL faults */

		if (r.next)
			snprintf(nx, sizeof(nx), "%d", r.next->s32);
		printf("walk u8=%u s16=%d s32=%d s64=%ld name=\"%s\" next_s32=%s ret=%d\n",
		       r.u8, r.s16, r.s32, r.s64, r.name, nx, ret);
	}
	return 0;
}
