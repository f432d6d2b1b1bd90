/* clock.h: the one clock utap's times come from. */
#ifndef UTAP_UTIL_CLOCK_H
#define UTAP_UTIL_CLOCK_H

#include <stdint.h>
#include <time.h>

/* CLOCK_MONOTONIC in nanoseconds: the hits' timestamps, the timers, the
 * spin deadlines.  Through the vDSO: no syscall. */
static inline uint64_t clock_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#endif
