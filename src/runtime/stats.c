/* stats.c: collecting aggregates and reading @count ... @variance and histogram buckets. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/internal.h"
#include "runtime/stats.h"

static int fail(char *err, size_t errlen, const char *msg)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", msg);
	return -EINVAL;
}

int rt_stats_spec_check(const struct rt_stats_spec *spec, char *err, size_t errlen)
{
	int64_t n;

	if (spec->bit_shift < 0 || spec->bit_shift > 62)
		return fail(err, errlen, "@variance bit-shift must be between 0 and 62");
	if (spec->hist == RT_HIST_NONE || spec->hist == RT_HIST_LOG)
		return 0;
	if (spec->hist != RT_HIST_LINEAR)
		return fail(err, errlen, "unknown histogram type");
	/* The runtime keeps them in ints (struct _Hist). */
	if (spec->start < INT32_MIN || spec->start > INT32_MAX || spec->stop < INT32_MIN ||
	    spec->stop > INT32_MAX || spec->interval > INT32_MAX)
		return fail(err, errlen, "histogram: start, stop and interval must fit in 32 bits");
	if (spec->interval <= 0)
		return fail(err, errlen, "histogram: interval must be positive");
	if (spec->stop <= spec->start)
		return fail(err, errlen, "histogram: stop must be greater than start");
	n = (spec->stop - spec->start) / spec->interval + 3;
	if (n > RT_HIST_MAX_BUCKETS)
		return fail(err, errlen,
			    "histogram: Number of buckets must be between 1 and 126 "
			    "(Number_of_buckets = (stop - start) / interval)");
	return 0;
}

int rt_stats_spec_buckets(const struct rt_stats_spec *spec)
{
	switch (spec->hist) {
	case RT_HIST_LOG:
		return RT_HIST_LOG_BUCKETS;
	case RT_HIST_LINEAR:
		return (int)((spec->stop - spec->start) / spec->interval + 3);
	default:
		return 0;
	}
}

struct rt_stats *rt_stats_new(const struct rt_stats_spec *spec)
{
	static const struct rt_stats_spec plain = {.hist = RT_HIST_NONE};
	struct rt_stats *s;
	int n;

	if (!spec)
		spec = &plain;
	if (rt_stats_spec_check(spec, NULL, 0))
		return NULL;
	n = rt_stats_spec_buckets(spec);
	s = calloc(1, sizeof(*s) + (size_t)n * sizeof(s->buckets[0]));
	if (!s)
		return NULL;
	s->spec = *spec;
	s->nbuckets = n;
	return s;
}

void rt_stats_free(struct rt_stats *s)
{
	free(s);
}

void rt_stats_clear(struct rt_stats *s)
{
	s->count = s->sum = s->min = s->max = 0;
	s->avg_s = s->m2 = s->variance_s = 0;
	memset(s->buckets, 0, (size_t)s->nbuckets * sizeof(s->buckets[0]));
}

int rt_stats_log_bucket(int64_t v)
{
	uint64_t m = rt_magnitude(v);
	int b;

	if (v == 0)
		return RT_HIST_LOG_BUCKET0;
	/* _stp_val_to_bucket(): 64 + the bit length of |v|, mirrored below
	 * bucket 64 for negative values (INT64_MIN lands in bucket 0). */
	b = RT_HIST_LOG_BUCKETS - __builtin_clzll(m);
	return v < 0 ? RT_HIST_LOG_BUCKETS - b : b;
}

int64_t rt_stats_log_bucket_value(int i)
{
	if (i == RT_HIST_LOG_BUCKET0)
		return 0;
	if (i < RT_HIST_LOG_BUCKET0)
		return rt_sar(INT64_MIN, i); /* 0x8000000000000000 >> i: -2^(63-i) */
	return (int64_t)(1ULL << (i - RT_HIST_LOG_BUCKET0 - 1));
}

static int linear_bucket(const struct rt_stats *s, int64_t v)
{
	int64_t x = rt_wrap_sub(v, s->spec.start);
	uint64_t b;

	if (x < 0)
		b = 0; /* underflow */
	else
		b = (uint64_t)x / (uint64_t)s->spec.interval + 1;
	if (b >= (uint64_t)s->nbuckets - 1)
		b = (uint64_t)s->nbuckets - 1; /* overflow */
	return (int)b;
}

void rt_stats_add(struct rt_stats *s, int64_t v)
{
	int shift = s->spec.bit_shift;
	int64_t scaled = rt_wrap_shl(v, shift);
	int b;

	if (s->count == 0) {
		s->count = 1;
		s->sum = s->min = s->max = v;
		s->avg_s = scaled;
		s->m2 = 0;
	} else {
		/* __stp_stat_add(): Welford's online algorithm in integers.
		 * SystemTap keeps delta in an int, so it is cut to 32 bits. */
		int32_t delta = (int32_t)rt_wrap_sub(scaled, s->avg_s);

		s->count++;
		s->sum = rt_wrap_add(s->sum, v);
		if (v > s->max)
			s->max = v;
		if (v < s->min)
			s->min = v;
		s->avg_s = rt_wrap_add(s->avg_s, rt_div64(delta, s->count));
		s->m2 = rt_wrap_add(s->m2, rt_wrap_mul(delta, rt_wrap_sub(scaled, s->avg_s)));
		s->variance_s = rt_div64(s->m2, s->count - 1);
	}

	switch (s->spec.hist) {
	case RT_HIST_LOG:
		b = rt_stats_log_bucket(v);
		if (b >= s->nbuckets)
			b = s->nbuckets - 1;
		s->buckets[b]++;
		break;
	case RT_HIST_LINEAR:
		s->buckets[linear_bucket(s, v)]++;
		break;
	default:
		break;
	}
}

/* @variance: what SystemTap reads after aggregating one CPU's data. */
static int64_t variance(const struct rt_stats *s)
{
	int shift = s->spec.bit_shift;
	int64_t agg_avg, d, s1, s2;

	if (s->map_element) /* map.c: _new_map_copy_stat() copies variance_s */
		return rt_sar(s->variance_s, 2 * shift);

	/* stat.c: _stp_stat_get() recombines the per-CPU variances with the
	 * total variance formula, around the exact average. */
	agg_avg = rt_div64(rt_wrap_shl(s->sum, shift), s->count);
	d = rt_wrap_sub(s->avg_s, agg_avg);
	s1 = rt_wrap_mul(rt_wrap_mul(s->count, d), d);
	s2 = rt_wrap_mul(s->count - 1, s->variance_s);
	return rt_sar(rt_div64(rt_wrap_add(s1, s2), s->count - 1), 2 * shift);
}

int rt_stats_get(const struct rt_stats *s, enum rt_stat_op op, int64_t *out)
{
	*out = 0;
	if (op == RT_STAT_COUNT) {
		*out = s ? s->count : 0;
		return 0;
	}
	if (op == RT_STAT_SUM) {
		*out = s ? s->sum : 0;
		return 0;
	}
	if (!s || s->count == 0)
		return -ENODATA;
	switch (op) {
	case RT_STAT_MIN:
		*out = s->min;
		return 0;
	case RT_STAT_MAX:
		*out = s->max;
		return 0;
	case RT_STAT_AVG:
		*out = rt_div64(s->sum, s->count);
		return 0;
	case RT_STAT_VARIANCE:
		*out = variance(s);
		return 0;
	default:
		return -EINVAL;
	}
}

int rt_stats_nbuckets(const struct rt_stats *s)
{
	return s ? s->nbuckets : 0;
}

int rt_stats_bucket(const struct rt_stats *s, int64_t index, int64_t *out)
{
	*out = 0;
	if (!s || s->count == 0)
		return -ENODATA;
	if (s->spec.hist == RT_HIST_NONE)
		return -EINVAL;
	if (index < 0 || index >= s->nbuckets)
		return -ERANGE;
	*out = s->buckets[index];
	return 0;
}
