/* format_parse.c: reading a format as SystemTap's translator does; checking arguments. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/format_priv.h"

static int set_err(char *err, size_t errlen, int *errcol, int col, const char *msg)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", msg);
	if (errcol)
		*errcol = col;
	return -EINVAL;
}

static int read_number(const char *s, size_t *i, size_t n)
{
	int v = 0;

	do {
		int d = s[*i] - '0';

		v = v > (INT_MAX - d) / 10 ? INT_MAX : v * 10 + d;
		(*i)++;
	} while (*i < n && s[*i] >= '0' && s[*i] <= '9');
	return v;
}

/* The conversion letter C into COMP; false if C is not one. */
static bool conversion(struct rt_fmt_comp *c, char ch)
{
	switch (ch) {
	case 'b':
		c->conv = RT_CONV_BINARY;
		return true;
	case 'c':
		c->conv = RT_CONV_CHAR;
		return true;
	case 's':
		c->conv = RT_CONV_STRING;
		return true;
	case 'm':
		c->conv = RT_CONV_MEMORY;
		return true;
	case 'M':
		c->conv = RT_CONV_MEMHEX;
		return true;
	case 'd':
	case 'i':
		c->flags |= RT_FMT_SIGN;
		/* fall through */
	case 'u':
		c->conv = RT_CONV_NUMBER;
		c->base = 10;
		return true;
	case 'o':
		c->conv = RT_CONV_NUMBER;
		c->base = 8;
		return true;
	case 'X':
		c->flags |= RT_FMT_LARGE;
		/* fall through */
	case 'x':
		c->conv = RT_CONV_NUMBER;
		c->base = 16;
		return true;
	case 'p': /* since stap 1.3, %p is %#x */
		c->flags |= RT_FMT_SPECIAL;
		c->conv = RT_CONV_POINTER;
		c->base = 16;
		return true;
	default:
		return false;
	}
}

static int flag(char ch)
{
	switch (ch) {
	case '0':
		return RT_FMT_ZEROPAD;
	case '+':
		return RT_FMT_PLUS;
	case '-':
		return RT_FMT_LEFT;
	case ' ':
		return RT_FMT_SPACE;
	case '#':
		return RT_FMT_SPECIAL;
	default:
		return 0;
	}
}

/* Append the pending literal TEXT[*LIT_START .. *TEXTLEN) as a component. */
static void flush_literal(struct rt_format *f, size_t *lit_start, size_t textlen)
{
	struct rt_fmt_comp *c;

	if (textlen == *lit_start)
		return;
	c = &f->comps[f->ncomps++];
	memset(c, 0, sizeof(*c));
	c->conv = RT_CONV_LITERAL;
	c->lit = f->text + *lit_start;
	c->litlen = textlen - *lit_start;
	*lit_start = textlen;
}

/*
 * print_format::string_to_components(): one optional flag, a width
 * (digits or '*'), a precision ('.' then digits or '*'), one optional 'l'
 * and the conversion.  Its quirks are kept: "%." or "%l" at the very end
 * vanish (the half-read conversion is still empty), while "%5" or "%-" at
 * the end are errors.
 */
int rt_format_compile(const char *fmt, struct rt_format **out, char *err, size_t errlen,
		      int *errcol)
{
	size_t n = strlen(fmt), i = 0, textlen = 0, lit_start = 0;
	struct rt_format *f;
	int nargs = 0;

	*out = NULL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	/* At most one component per byte, one argument type per byte. */
	f->comps = calloc(n + 1, sizeof(f->comps[0]));
	f->arg_types = calloc(n + 1, sizeof(f->arg_types[0]));
	f->text = malloc(n + 1);
	if (!f->comps || !f->arg_types || !f->text) {
		rt_format_free(f);
		return -ENOMEM;
	}

	while (i < n) {
		struct rt_fmt_comp c = {0};

		if (fmt[i] != '%') {
			f->text[textlen++] = fmt[i++];
			continue;
		}
		if (i + 1 == n || fmt[i + 1] == '%') {
			f->text[textlen++] = '%';
			i += 2;
			continue;
		}
		flush_literal(f, &lit_start, textlen);
		c.col = (int)i++;

		c.flags = flag(fmt[i]);
		if (c.flags)
			i++;
		if (i == n)
			goto incomplete;
		if (fmt[i] == '*') {
			c.width_type = RT_FMT_DYNAMIC;
			i++;
		} else if (fmt[i] >= '0' && fmt[i] <= '9') {
			c.width_type = RT_FMT_STATIC;
			c.width = read_number(fmt, &i, n);
		}
		if (i == n)
			goto incomplete;
		if (fmt[i] == '.') {
			if (++i == n)
				goto incomplete;
			if (fmt[i] == '*') {
				c.prec_type = RT_FMT_DYNAMIC;
				i++;
			} else if (fmt[i] >= '0' && fmt[i] <= '9') {
				c.prec_type = RT_FMT_STATIC;
				c.precision = read_number(fmt, &i, n);
			}
		}
		if (i == n)
			goto incomplete;
		if (fmt[i] == 'l' && ++i == n)
			goto incomplete;
		if (!conversion(&c, fmt[i])) {
			rt_format_free(f);
			return set_err(err, errlen, errcol, c.col,
				       "invalid or missing conversion specifier");
		}
		i++;
		if (c.width_type == RT_FMT_DYNAMIC)
			f->arg_types[nargs++] = RT_LONG;
		if (c.prec_type == RT_FMT_DYNAMIC)
			f->arg_types[nargs++] = RT_LONG;
		f->arg_types[nargs++] = c.conv == RT_CONV_STRING ? RT_STRING : RT_LONG;
		f->comps[f->ncomps++] = c;
		continue;

	incomplete:
		/* A conversion cut short by the end of the format. */
		if (c.flags || c.width_type != RT_FMT_UNSPEC || c.prec_type != RT_FMT_UNSPEC) {
			rt_format_free(f);
			return set_err(err, errlen, errcol, c.col,
				       "trailing incomplete print format conversion");
		}
		break;
	}
	flush_literal(f, &lit_start, textlen);
	f->nargs = nargs;
	*out = f;
	return 0;
}

void rt_format_free(struct rt_format *f)
{
	if (!f)
		return;
	free(f->comps);
	free(f->arg_types);
	free(f->text);
	free(f);
}

int rt_format_nargs(const struct rt_format *f)
{
	return f->nargs;
}

enum rt_type rt_format_arg_type(const struct rt_format *f, int i)
{
	return i >= 0 && i < f->nargs ? f->arg_types[i] : RT_NONE;
}

static const char *type_name(enum rt_type t)
{
	switch (t) {
	case RT_LONG:
		return "a long";
	case RT_STRING:
		return "a string";
	case RT_STATS:
		return "a statistics aggregate";
	default:
		return "of unknown type";
	}
}

/* The conversion that argument A (0-based) feeds, for the error column. */
static const struct rt_fmt_comp *comp_of_arg(const struct rt_format *f, int a)
{
	int k = 0;

	for (int i = 0; i < f->ncomps; i++) {
		const struct rt_fmt_comp *c = &f->comps[i];

		if (c->conv == RT_CONV_LITERAL)
			continue;
		k += 1 + (c->width_type == RT_FMT_DYNAMIC) + (c->prec_type == RT_FMT_DYNAMIC);
		if (a < k)
			return c;
	}
	return NULL;
}

int rt_format_check(const char *fmt, const enum rt_type *args, int nargs, char *err, size_t errlen,
		    int *errcol)
{
	struct rt_format *f;
	char msg[160];
	int rc = rt_format_compile(fmt, &f, err, errlen, errcol);

	if (rc)
		return rc;
	if (f->nargs != nargs) {
		snprintf(msg, sizeof(msg),
			 "Wrong number of args to formatted print operator: "
			 "the format takes %d, %d given",
			 f->nargs, nargs);
		rc = set_err(err, errlen, errcol, -1, msg);
		goto out;
	}
	for (int a = 0; a < nargs; a++) {
		const struct rt_fmt_comp *c;

		if (args[a] == f->arg_types[a])
			continue;
		c = comp_of_arg(f, a);
		snprintf(msg, sizeof(msg), "argument %d must be %s, not %s", a + 1,
			 type_name(f->arg_types[a]), type_name(args[a]));
		rc = set_err(err, errlen, errcol, c ? c->col : -1, msg);
		goto out;
	}
out:
	rt_format_free(f);
	return rc;
}
