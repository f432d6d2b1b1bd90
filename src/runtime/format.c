/* format.c: the conversions of a parsed format, as SystemTap's compiled printf prints them. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "runtime/format_priv.h"

/* runtime/vsprintf.c: number(). SIZE is the field width (-1: none). */
static void number(struct rt_sink *o, uint64_t num, int base, int size, int precision, int type)
{
	const char *digits = (type & RT_FMT_LARGE) ? "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
						   : "0123456789abcdefghijklmnopqrstuvwxyz";
	char c, sign = 0, tmp[66];
	int i = 0;

	if (type & RT_FMT_LEFT)
		type &= ~RT_FMT_ZEROPAD;
	c = (type & RT_FMT_ZEROPAD) ? '0' : ' ';
	if (type & RT_FMT_SIGN) {
		if ((int64_t)num < 0) {
			sign = '-';
			num = 0 - num;
			size--;
		} else if (type & RT_FMT_PLUS) {
			sign = '+';
			size--;
		} else if (type & RT_FMT_SPACE) {
			sign = ' ';
			size--;
		}
	}
	if (type & RT_FMT_SPECIAL) {
		if (base == 16)
			size -= 2;
		else if (base == 8)
			size--;
	}
	if (num == 0)
		tmp[i++] = '0';
	while (num != 0) {
		tmp[i++] = digits[num % (unsigned)base];
		num /= (unsigned)base;
	}
	if (i > precision)
		precision = i;
	size -= precision;
	if (!(type & (RT_FMT_ZEROPAD | RT_FMT_LEFT)))
		while (size-- > 0)
			rt_sink_put(o, ' ');
	if (sign)
		rt_sink_put(o, sign);
	if (type & RT_FMT_SPECIAL) {
		if (base == 8) {
			rt_sink_put(o, '0');
		} else if (base == 16) {
			rt_sink_put(o, '0');
			rt_sink_put(o, digits[33]); /* 'x' or 'X' */
		}
	}
	if (!(type & RT_FMT_LEFT))
		while (size-- > 0)
			rt_sink_put(o, c);
	while (i < precision--)
		rt_sink_put(o, '0');
	while (i-- > 0)
		rt_sink_put(o, tmp[i]);
	while (size-- > 0)
		rt_sink_put(o, ' ');
}

/* _stp_vsprint_char(): with '#', C's escapes or three octal digits for
 * what is not printable ASCII, and for ' and \ themselves. */
static void print_char(struct rt_sink *o, char c, int width, int flags)
{
	unsigned char u = (unsigned char)c;
	char esc = 0, seq[4];
	int size = 1;

	if ((flags & RT_FMT_SPECIAL) && (u < 0x20 || u > 0x7e || c == '\'' || c == '\\')) {
		static const char from[] = "\a\b\f\n\r\t\v'\\", to[] = "abfnrtv'\\";
		const char *p = c ? strchr(from, c) : NULL;

		if (p)
			esc = to[p - from];
		seq[0] = '\\';
		if (esc) {
			seq[1] = esc;
			size = 2;
		} else {
			seq[1] = (char)('0' + ((u >> 6) & 3));
			seq[2] = (char)('0' + ((u >> 3) & 7));
			seq[3] = (char)('0' + (u & 7));
			size = 4;
		}
	} else {
		seq[0] = c;
	}
	if (!(flags & RT_FMT_LEFT))
		rt_sink_pad(o, ' ', width - size);
	for (int i = 0; i < size; i++)
		rt_sink_put(o, seq[i]);
	if (flags & RT_FMT_LEFT)
		rt_sink_pad(o, ' ', width - size);
}

/* _stp_vsprint_memory() for %s: PRECISION bytes at most (-1: all). */
static void print_string(struct rt_sink *o, const struct rt_str *s, int width, int precision,
			 int flags)
{
	int len = (int)s->len;

	if (precision >= 0 && precision < len)
		len = precision;
	if (!(flags & RT_FMT_LEFT))
		rt_sink_pad(o, ' ', width - len);
	for (int i = 0; i < len && rt_sink_room(o); i++)
		rt_sink_put(o, s->data[i]);
	if (flags & RT_FMT_LEFT)
		rt_sink_pad(o, ' ', width - len);
	if (flags & RT_FMT_ZEROPAD)
		rt_sink_put(o, '\0');
}

/* _stp_vsprint_binary(): the low PRECISION bytes of NUM, zero bytes
 * padding to WIDTH; both default to each other, or to 8. */
static int binary_size(int size)
{
	return size == 1 || size == 2 || size == 4 || size == 8 ? size : -1;
}

static void print_binary(struct rt_sink *o, int64_t num, int width, int precision, int flags)
{
	precision = binary_size(precision);
	if (width == -1) {
		if (precision == -1)
			width = precision = 8;
		else
			width = precision;
	} else if (precision == -1) {
		precision = binary_size(width);
		if (precision == -1)
			precision = 8;
	}
	if (!(flags & RT_FMT_LEFT))
		rt_sink_pad(o, '\0', width - precision);
	if ((size_t)precision <= rt_sink_room(o)) {
		unsigned char bytes[8];

		memcpy(bytes, &num, sizeof(bytes)); /* host order, low bytes first on x86 */
		rt_buf_put(o->b, bytes, (size_t)precision);
	}
	if (flags & RT_FMT_LEFT)
		rt_sink_pad(o, '\0', width - precision);
}

/* _stp_vsprint_memory() for %m and %M: the LEN bytes in DATA. */
static void print_memory(struct rt_sink *o, const unsigned char *data, int len, int width,
			 int flags, bool hex)
{
	int shown = hex ? 2 * len : len;

	if (!(flags & RT_FMT_LEFT))
		rt_sink_pad(o, ' ', width - shown);
	for (int i = 0; i < len; i++) {
		if (hex) {
			if (rt_sink_room(o) < 2)
				break;
			rt_sink_put(o, "0123456789abcdef"[data[i] >> 4]);
			rt_sink_put(o, "0123456789abcdef"[data[i] & 15]);
		} else {
			rt_sink_put(o, (char)data[i]);
		}
	}
	if (flags & RT_FMT_LEFT)
		rt_sink_pad(o, ' ', width - shown);
	if (flags & RT_FMT_ZEROPAD)
		rt_sink_put(o, '\0');
}

/* The arguments, consumed in order, defaulting when missing or mistyped. */
struct args {
	const struct rt_value *v;
	int n, next;
	bool bad;
};

static int64_t next_long(struct args *a)
{
	const struct rt_value *v = a->next < a->n ? &a->v[a->next] : NULL;

	a->next++;
	if (!v || v->type != RT_LONG) {
		a->bad = true;
		return 0;
	}
	return v->num;
}

static const struct rt_str *next_str(struct args *a)
{
	const struct rt_value *v = a->next < a->n ? &a->v[a->next] : NULL;

	a->next++;
	if (!v || v->type != RT_STRING || !v->str) {
		a->bad = true;
		return rt_str_empty();
	}
	return v->str;
}

/* The compiled printf's clamp_t(int, value, 0, room): the value is cut to
 * an int first. */
static int clamp_size(int64_t v, size_t limit)
{
	int i = (int)v;

	if (i < 0)
		return 0;
	return (size_t)i > limit ? (int)limit : i;
}

static void seterr(char *err, size_t errlen, const char *fmt, int64_t v)
{
	if (err && errlen)
		snprintf(err, errlen, fmt, v);
}

/* SystemTap checks every %m/%M size before printing anything. */
static int check_memdumps(const struct rt_format *f, const struct rt_value *args, int nargs,
			  char *err, size_t errlen)
{
	struct args a = {args, nargs, 0, false};

	for (int i = 0; i < f->ncomps; i++) {
		const struct rt_fmt_comp *c = &f->comps[i];
		int64_t size = 1;

		if (c->conv == RT_CONV_LITERAL)
			continue;
		if (c->width_type == RT_FMT_DYNAMIC)
			next_long(&a);
		if (c->prec_type == RT_FMT_DYNAMIC)
			size = next_long(&a);
		else if (c->prec_type == RT_FMT_STATIC && c->precision > 0)
			size = c->precision;
		a.next++;
		if ((c->conv == RT_CONV_MEMORY || c->conv == RT_CONV_MEMHEX) &&
		    size > RT_MEMDUMP_MAX) {
			seterr(err, errlen, "%" PRId64 " is too many bytes for a memory dump",
			       size);
			return -EMSGSIZE;
		}
	}
	return 0;
}

int rt_format_run(const struct rt_format *f, const struct rt_value *args, int nargs,
		  const struct rt_format_mem *mem, struct rt_sink *o, char *err, size_t errlen)
{
	struct args a = {args, nargs, 0, false};
	int rc = check_memdumps(f, args, nargs, err, errlen);

	if (rc)
		return rc;
	for (int i = 0; i < f->ncomps; i++) {
		const struct rt_fmt_comp *c = &f->comps[i];
		int width = -1, precision = -1;
		unsigned char data[RT_MEMDUMP_MAX];
		int64_t v;

		if (c->conv == RT_CONV_LITERAL) {
			size_t n = c->litlen < rt_sink_room(o) ? c->litlen : rt_sink_room(o);

			rt_buf_put(o->b, c->lit, n);
			continue;
		}
		if (c->width_type == RT_FMT_DYNAMIC)
			width = clamp_size(next_long(&a), rt_sink_room(o));
		else if (c->width_type == RT_FMT_STATIC)
			width = clamp_size(c->width, rt_sink_room(o));
		if (c->prec_type == RT_FMT_DYNAMIC)
			precision = clamp_size(next_long(&a), rt_sink_room(o));
		else if (c->prec_type == RT_FMT_STATIC)
			precision = clamp_size(c->precision, rt_sink_room(o));

		switch (c->conv) {
		case RT_CONV_NUMBER:
		case RT_CONV_POINTER:
			number(o, (uint64_t)next_long(&a), c->base, width, precision, c->flags);
			break;
		case RT_CONV_CHAR:
			print_char(o, (char)next_long(&a), width, c->flags);
			break;
		case RT_CONV_STRING:
			print_string(o, next_str(&a), width, precision, c->flags);
			break;
		case RT_CONV_BINARY:
			print_binary(o, next_long(&a), width, precision, c->flags);
			break;
		case RT_CONV_MEMORY:
		case RT_CONV_MEMHEX:
			v = next_long(&a);
			if (precision <= 0)
				precision = 1;
			if (!mem || !mem->read ||
			    mem->read(mem->ctx, (uint64_t)v, data, (size_t)precision)) {
				seterr(err, errlen, "read fault at 0x%" PRIx64, v);
				return -EFAULT;
			}
			print_memory(o, data, precision, width, c->flags,
				     c->conv == RT_CONV_MEMHEX);
			break;
		default:
			break;
		}
	}
	if (o->b->error)
		return o->b->error;
	if (a.bad || a.next != nargs) {
		if (err && errlen)
			snprintf(err, errlen, "format arguments do not match the format");
		return -EINVAL;
	}
	return 0;
}
