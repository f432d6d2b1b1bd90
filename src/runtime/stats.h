/* stats.h: statistics aggregates (x <<< v): @count ... @variance, @hist_log, @hist_linear. */
#ifndef UTAP_RUNTIME_STATS_H
#define UTAP_RUNTIME_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "runtime/buf.h"

/*
 * Semantics follow SystemTap's runtime (runtime/stat-common.c, stat.c,
 * map.c) with one CPU: integer arithmetic that wraps, @avg a truncating
 * division, @variance by Welford's algorithm in integers scaled by 2^shift,
 * histograms with SystemTap's bucket layout and text.
 */

/* The histogram an aggregate collects: one kind per variable, as SystemTap
 * requires all @hist_* uses of a variable to agree. */
enum rt_hist_type { RT_HIST_NONE, RT_HIST_LOG, RT_HIST_LINEAR };

/* What @count(x) ... read; also what a foreach over an aggregate array
 * sorts by ("foreach (k in a @max+)"). */
enum rt_stat_op {
	RT_STAT_COUNT,
	RT_STAT_SUM,
	RT_STAT_MIN,
	RT_STAT_MAX,
	RT_STAT_AVG,
	RT_STAT_VARIANCE
};

#define RT_HIST_LOG_BUCKETS 128 /* SystemTap's HIST_LOG_BUCKETS */
#define RT_HIST_LOG_BUCKET0 64	/* the bucket of 0; below it the negative values */
#define RT_HIST_MAX_BUCKETS 128 /* STP_MAX_BUCKETS: a linear histogram's limit */
#define RT_HIST_WIDTH 50	/* HIST_WIDTH: the longest bar */
#define RT_HIST_ELISION 2	/* HIST_ELISION: zero rows kept around data */

/*
 * How a variable aggregates, decided by the checker from its uses:
 * @hist_linear(x, START, STOP, INTERVAL) or @hist_log(x), and the
 * @variance(x, BIT_SHIFT) scaling (0..62, default 0).
 */
struct rt_stats_spec {
	enum rt_hist_type hist;
	int64_t start, stop, interval; /* RT_HIST_LINEAR */
	int bit_shift;
};

/* Check SPEC: for a linear histogram INTERVAL > 0, STOP > START, values that
 * fit SystemTap's int, at most RT_HIST_MAX_BUCKETS - 2 buckets; BIT_SHIFT in
 * 0..62.  0, or -EINVAL with a message in ERR (ERRLEN bytes, may be NULL). */
int rt_stats_spec_check(const struct rt_stats_spec *spec, char *err, size_t errlen);

/* The number of histogram buckets SPEC gives: 128 for @hist_log, (STOP -
 * START) / INTERVAL + 3 for @hist_linear (underflow and overflow included),
 * 0 without a histogram.  SPEC must have passed rt_stats_spec_check(). */
int rt_stats_spec_buckets(const struct rt_stats_spec *spec);

/* An aggregate: the running values (private; read them through
 * rt_stats_get()) and the histogram. */
struct rt_stats {
	struct rt_stats_spec spec;
	int nbuckets;
	/* SystemTap computes @variance differently for array elements
	 * (map.c's aggregation copies the per-CPU variance) and for scalars
	 * (stat.c recombines it); rt_map sets this for its elements. */
	bool map_element;
	int64_t count, sum, min, max;
	int64_t avg_s, m2, variance_s; /* Welford's state, scaled by 2^bit_shift */
	int64_t buckets[];
};

/* A new, empty aggregate (NULL SPEC: no histogram, no shift).  NULL
 * without memory, or for a SPEC rt_stats_spec_check() refuses. */
struct rt_stats *rt_stats_new(const struct rt_stats_spec *spec);

void rt_stats_free(struct rt_stats *s);

/* "delete x": back to the empty state. */
void rt_stats_clear(struct rt_stats *s);

/* x <<< V. */
void rt_stats_add(struct rt_stats *s, int64_t v);

/*
 * @count(x), @sum(x), ... into *OUT.  S may be NULL: an array element that
 * does not exist.  @count and @sum of nothing are 0 (SystemTap >= 1.5);
 * the others return -ENODATA ("empty aggregate") when there was no
 * sample, with *OUT = 0.
 */
int rt_stats_get(const struct rt_stats *s, enum rt_stat_op op, int64_t *out);

/* Histogram buckets of S (0 without a histogram); a foreach over
 * @hist_*(x) runs over 0 .. rt_stats_nbuckets() - 1. */
int rt_stats_nbuckets(const struct rt_stats *s);

/* @hist_log(x)[INDEX]: the count in that bucket.  -ENODATA if S is NULL or
 * empty ("empty aggregate"), -ERANGE for an index outside the buckets
 * ("histogram index out of range"), -EINVAL without a histogram. */
int rt_stats_bucket(const struct rt_stats *s, int64_t index, int64_t *out);

/* The value that labels bucket I of a log histogram (0, +-2^n). */
int64_t rt_stats_log_bucket_value(int i);

/* The log histogram bucket holding V. */
int rt_stats_log_bucket(int64_t v);

/*
 * print(@hist_log(x)) / print(@hist_linear(...)): SystemTap's text
 * (_stp_stat_print_histogram) appended to OUT; for sprint() give OUT a
 * limit of MAXSTRINGLEN - 1.  -ENODATA when S is NULL or empty ("empty
 * aggregate": SystemTap refuses to print it), -EINVAL without a
 * histogram, -ENOMEM.
 */
int rt_stats_hist_print(const struct rt_stats *s, struct rt_buf *out);

/* rt_stats_hist_print() to a stdio stream.  Also -EIO. */
int rt_stats_hist_fprint(const struct rt_stats *s, FILE *f);

#endif
