/* libplug.c: our shared library; plug_add() is probed in a linked and in a dlopen()ed copy; its
 * stats are a struct only this library's DWARF describes (scripts' @cast(..., "libplug.so")). */
#include "probed.h"

struct plug_stats {
	long calls;
	long last;
};

static struct plug_stats stats;

PROBED int plug_add(int a, int b)
{
	stats.calls++;
	stats.last = a + b;
	return a + b;
}

/* The stats, to callers that do not know their type. */
PROBED const void *plug_stats(void)
{
	return &stats;
}

PROBED long plug_calls(const void *s)
{
	return ((const struct plug_stats *)s)->calls;
}
