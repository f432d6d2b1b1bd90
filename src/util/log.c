/* log.c: the one place utap writes its own messages (stderr). */
#include <stdio.h>

#include "util/log.h"

int utap_log_level;

void log_printf(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(stderr, "utap: %s\n", buf);
}
