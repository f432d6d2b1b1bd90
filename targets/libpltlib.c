/* libpltlib.c: a shared library of ours whose functions targets/plt.c imports. */
#include <string.h>

#include "pltlib.h"
#include "probed.h"

PROBED int plt_add(int a, int b)
{
	return a + b;
}

PROBED long plt_seven(long a, long b, long c, long d, long e, long f, long g)
{
	return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g;
}

PROBED long plt_tail(long x)
{
	return x * x - 5;
}

PROBED int plt_len(const char *s)
{
	return (int)strlen(s);
}
