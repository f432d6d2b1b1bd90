/* format_print.c: printf, sprintf and print*: where formatted output goes, and how much of it. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "runtime/format_priv.h"

int rt_format_print(const struct rt_format *f, const struct rt_value *args, int nargs,
		    const struct rt_format_mem *mem, struct rt_buf *out, char *err, size_t errlen)
{
	struct rt_sink o = {out, out->len, RT_PRINT_BUFFER_SIZE};
	int rc = rt_format_run(f, args, nargs, mem, &o, err, errlen);

	if (rc == -EFAULT || rc == -EMSGSIZE)
		rt_buf_truncate(out, o.start); /* the whole print is dropped */
	return rc;
}

int rt_format_sprint(const struct rt_format *f, const struct rt_value *args, int nargs,
		     const struct rt_format_mem *mem, size_t maxlen, struct rt_str **out, char *err,
		     size_t errlen)
{
	struct rt_buf b;
	struct rt_sink o = {&b, 0, maxlen ? maxlen : RT_MAXSTRINGLEN};
	int rc;

	/* SystemTap writes into a MAXSTRINGLEN buffer, then puts the NUL at
	 * the end or on the last byte; rt_buf_str() cuts at MAXLEN - 1 and at
	 * the first NUL, which is the same string. */
	rt_buf_init(&b, o.cap);
	rc = rt_format_run(f, args, nargs, mem, &o, err, errlen);
	if (rc == -EFAULT || rc == -EMSGSIZE)
		rt_buf_reset(&b);
	*out = rt_buf_str(&b, 0, maxlen);
	rt_buf_free(&b);
	if (!*out)
		return -ENOMEM;
	return rc;
}

int rt_printf(struct rt_buf *out, const char *fmt, const struct rt_value *args, int nargs,
	      const struct rt_format_mem *mem)
{
	struct rt_format *f;
	int rc = rt_format_compile(fmt, &f, NULL, 0, NULL);

	if (rc)
		return rc;
	rc = rt_format_print(f, args, nargs, mem, out, NULL, 0);
	rt_format_free(f);
	return rc;
}

static int print_values(struct rt_sink *o, const struct rt_value *args, int nargs,
			const char *delim, bool newline)
{
	char num[24];

	for (int i = 0; i < nargs; i++) {
		const struct rt_value *v = &args[i];
		const char *p;
		size_t n;

		if (i > 0 && delim) {
			n = strlen(delim);
			rt_buf_put(o->b, delim, n < rt_sink_room(o) ? n : rt_sink_room(o));
		}
		if (v->type == RT_LONG) {
			n = (size_t)snprintf(num, sizeof(num), "%" PRId64, v->num);
			p = num;
		} else if (v->type == RT_STRING && v->str) {
			n = v->str->len;
			p = v->str->data;
		} else {
			return -EINVAL; /* "cannot print a raw stats object" */
		}
		rt_buf_put(o->b, p, n < rt_sink_room(o) ? n : rt_sink_room(o));
	}
	if (newline)
		rt_sink_put(o, '\n');
	return o->b->error;
}

int rt_print_values(struct rt_buf *out, const struct rt_value *args, int nargs, const char *delim,
		    bool newline)
{
	struct rt_sink o = {out, out->len, RT_PRINT_BUFFER_SIZE};

	return print_values(&o, args, nargs, delim, newline);
}

int rt_print_values_str(const struct rt_value *args, int nargs, const char *delim, bool newline,
			size_t maxlen, struct rt_str **out)
{
	struct rt_buf b;
	struct rt_sink o = {&b, 0, maxlen ? maxlen : RT_MAXSTRINGLEN};
	int rc;

	rt_buf_init(&b, o.cap);
	rc = print_values(&o, args, nargs, delim, newline);
	*out = rt_buf_str(&b, 0, maxlen);
	rt_buf_free(&b);
	if (!*out)
		return -ENOMEM;
	return rc;
}
