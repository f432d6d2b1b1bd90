/* format_priv.h: a parsed format and the output sink, shared by the format_*.c files. */
#ifndef UTAP_RUNTIME_FORMAT_PRIV_H
#define UTAP_RUNTIME_FORMAT_PRIV_H

#include "runtime/format.h"

enum rt_conv {
	RT_CONV_LITERAL,
	RT_CONV_NUMBER,	 /* d i u o x X */
	RT_CONV_POINTER, /* p */
	RT_CONV_CHAR,	 /* c */
	RT_CONV_STRING,	 /* s */
	RT_CONV_MEMORY,	 /* m */
	RT_CONV_MEMHEX,	 /* M */
	RT_CONV_BINARY,	 /* b */
};

/* SystemTap's print_flag bits (runtime/print.h, staptree.h). */
#define RT_FMT_ZEROPAD 1
#define RT_FMT_SIGN 2 /* %d %i */
#define RT_FMT_PLUS 4
#define RT_FMT_SPACE 8
#define RT_FMT_LEFT 16
#define RT_FMT_SPECIAL 32 /* '#', and %p */
#define RT_FMT_LARGE 64	  /* %X */

enum rt_fmt_size { RT_FMT_UNSPEC, RT_FMT_STATIC, RT_FMT_DYNAMIC };

struct rt_fmt_comp {
	enum rt_conv conv;
	int flags;
	int base;
	enum rt_fmt_size width_type, prec_type;
	int width, precision; /* RT_FMT_STATIC */
	int col;	      /* offset of the '%' in the format */
	const char *lit;      /* RT_CONV_LITERAL: the text (no NUL inside) */
	size_t litlen;
};

struct rt_format {
	struct rt_fmt_comp *comps;
	int ncomps;
	enum rt_type *arg_types;
	int nargs;
	char *text; /* the literals' bytes */
};

/*
 * Where output goes: B from offset START, at most CAP bytes; the rest is
 * dropped, as SystemTap's "if (str <= end)" drops it.
 */
struct rt_sink {
	struct rt_buf *b;
	size_t start, cap;
};

static inline size_t rt_sink_room(const struct rt_sink *o)
{
	size_t used = o->b->len - o->start, r = used < o->cap ? o->cap - used : 0;
	size_t br = rt_buf_room(o->b);

	return r < br ? r : br;
}

static inline void rt_sink_put(struct rt_sink *o, char c)
{
	if (rt_sink_room(o))
		rt_buf_putc(o->b, c);
}

static inline void rt_sink_pad(struct rt_sink *o, char c, int n)
{
	if (n > 0)
		rt_buf_pad(o->b, c, (size_t)n < rt_sink_room(o) ? (size_t)n : rt_sink_room(o));
}

/* Print F with ARGS into O: the conversions, SystemTap's checks, its
 * defaults for missing or mistyped arguments (format.c).  Returns as
 * rt_format_print(), without dropping the output of a failed print. */
int rt_format_run(const struct rt_format *f, const struct rt_value *args, int nargs,
		  const struct rt_format_mem *mem, struct rt_sink *o, char *err, size_t errlen);

#endif
