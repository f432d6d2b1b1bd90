/* helpers.h: small helpers the unit tests share (header-only, like tap.h). */
#ifndef UTAP_TESTS_HELPERS_H
#define UTAP_TESTS_HELPERS_H

#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* "48 8b 05 10 00 00 00" -> bytes in OUT (at most MAX). Returns how many. */
static inline unsigned parse_hex(const char *hex, uint8_t *out, unsigned max)
{
	unsigned n = 0, byte;
	int used;

	while (n < max && sscanf(hex, " %2x%n", &byte, &used) == 1) {
		out[n++] = (uint8_t)byte;
		hex += used;
	}
	return n;
}

/* Run a shell command built from FMT; say so (as a TAP comment) if it fails. */
static inline __attribute__((format(printf, 1, 2))) bool run(const char *fmt, ...)
{
	char cmd[4 * PATH_MAX];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	if (st != 0)
		printf("# command failed (%d): %s\n", st, cmd);
	return st == 0;
}

#endif
