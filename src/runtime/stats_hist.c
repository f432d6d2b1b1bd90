/* stats_hist.c: print(@hist_log(x)) and print(@hist_linear(...)) as SystemTap draws them. */
#include <errno.h>
#include <inttypes.h>

#include "runtime/internal.h"
#include "runtime/stats.h"

/* Characters "%lld" takes for V (needed_space() in stat-common.c). */
static int needed_space(int64_t v)
{
	uint64_t m = rt_magnitude(v);
	int n = v < 0;

	if (v == 0)
		return 1;
	for (; m; m /= 10)
		n++;
	return n;
}

static int max_int(int a, int b)
{
	return a > b ? a : b;
}

/* The value printed on row I, and its prefix: "<" for a linear
 * histogram's underflow row, ">" for its overflow row. */
static int64_t row_value(const struct rt_stats *s, int i, const char **prefix)
{
	const struct rt_stats_spec *sp = &s->spec;

	*prefix = "";
	if (sp->hist == RT_HIST_LOG)
		return rt_stats_log_bucket_value(i);
	if (i == 0) {
		*prefix = "<";
		return sp->start;
	}
	if (i == s->nbuckets - 1) {
		*prefix = ">";
		return sp->start + (int64_t)(i - 2) * sp->interval;
	}
	return sp->start + (int64_t)(i - 1) * sp->interval;
}

/* Row I is skipped when it and its RT_HIST_ELISION neighbours on each side
 * (within the printed range) are all zero. */
static int elided(const struct rt_stats *s, int i, int low, int high)
{
	int lo = i - RT_HIST_ELISION > low ? i - RT_HIST_ELISION : low;
	int hi = i + RT_HIST_ELISION < high ? i + RT_HIST_ELISION : high;

	for (int k = lo; k <= hi; k++)
		if (s->buckets[k] != 0)
			return 0;
	return 1;
}

/*
 * _stp_stat_print_histogram_buf(), line for line in its decisions: the
 * printed range is the nonzero buckets plus up to two zero rows on each
 * side (a log histogram does not reach below the 0 row unless there are
 * negative values; a linear one shows its underflow/overflow rows only
 * when they hold something), bars are scaled so the largest is at most 50
 * '@', and runs of zero rows far from any data collapse into one "~" row.
 */
int rt_stats_hist_print(const struct rt_stats *s, struct rt_buf *out)
{
	int low = -1, high = 0, under = 0, over = 0, val_space, cnt_space, eliding = 0;
	int64_t valmax = 0, scale;
	int linear;

	if (!s || s->count == 0)
		return -ENODATA;
	if (s->spec.hist == RT_HIST_NONE)
		return -EINVAL;
	linear = s->spec.hist == RT_HIST_LINEAR;

	for (int i = 0; i < s->nbuckets; i++) {
		if (s->buckets[i] > 0 && low == -1)
			low = i;
		if (s->buckets[i] > 0)
			high = i;
		if (s->buckets[i] > valmax)
			valmax = s->buckets[i];
	}
	for (int i = 0; i < 2; i++) {
		if (linear ? low > 0 : (low != RT_HIST_LOG_BUCKET0 && low > 0))
			low--;
		if (high < s->nbuckets - 1)
			high++;
	}
	if (linear) {
		if (low == 0 && s->buckets[0] == 0)
			low++;
		if (high == s->nbuckets - 1 && s->buckets[high] == 0)
			high--;
		under = low == 0;
		over = high == s->nbuckets - 1;
	}

	scale = valmax <= RT_HIST_WIDTH ? 1 : (valmax + RT_HIST_WIDTH - 1) / RT_HIST_WIDTH;
	cnt_space = needed_space(valmax);
	if (linear)
		val_space = max_int(needed_space(s->spec.start) + under,
				    needed_space(s->spec.start + s->spec.interval * high) + over);
	else
		val_space = max_int(needed_space(rt_stats_log_bucket_value(high)),
				    needed_space(rt_stats_log_bucket_value(low)));
	val_space = max_int(val_space, 5 /* strlen("value") */);

	rt_buf_printf(out, "%*s |", val_space, "value");
	rt_buf_pad(out, '-', RT_HIST_WIDTH);
	rt_buf_printf(out, " count\n");

	for (int i = low; i <= high; i++) {
		const char *prefix;
		int64_t val, bar;

		if (elided(s, i, low, high)) {
			eliding = 1;
			continue;
		}
		if (eliding) {
			rt_buf_printf(out, "%*s ~\n", val_space, "");
			eliding = 0;
		}
		val = row_value(s, i, &prefix);
		rt_buf_printf(out, "%*s%" PRId64 " |", val_space - needed_space(val), prefix, val);
		bar = s->buckets[i] / scale;
		rt_buf_pad(out, '@', (size_t)bar);
		rt_buf_printf(out, "%*" PRId64 "\n", (int)(RT_HIST_WIDTH - bar + 1 + cnt_space),
			      s->buckets[i]);
	}
	return rt_buf_printf(out, "\n");
}

int rt_stats_hist_fprint(const struct rt_stats *s, FILE *f)
{
	struct rt_buf b;
	int rc;

	rt_buf_init(&b, 0);
	rc = rt_stats_hist_print(s, &b);
	if (rc == 0)
		rc = rt_buf_fwrite(&b, f);
	rt_buf_free(&b);
	return rc;
}
