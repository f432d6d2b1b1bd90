/* log.h: messages to the user and debug output that costs one compare when off. */
#ifndef UTAP_LOG_H
#define UTAP_LOG_H

#include <stdarg.h>

/* 0: errors and warnings, 1: -v, 2: -vv (debug). The only global besides
 * the stop flag, as ../shared/STYLE.md allows. */
extern int utap_log_level;

void log_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define log_verbose(...)                           \
	do {                                       \
		if (utap_log_level >= 1)           \
			log_printf(__VA_ARGS__);   \
	} while (0)
#define log_debug(...)                             \
	do {                                       \
		if (utap_log_level >= 2)           \
			log_printf(__VA_ARGS__);   \
	} while (0)

/* "utap: MSG\n" on stderr, always. */
#define log_error(...) log_printf(__VA_ARGS__)

#endif
