/* print.c: the line a probe hit prints, ftrace style or JSON, in one write. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/format_priv.h"
#include "probe/parse_priv.h"
#include "probe/probe.h"

/* The line is built here and written at once, so lines from concurrent
 * writers never interleave. Most lines fit the inline buffer: no malloc on
 * the hit path. */
struct line {
	char *data;
	size_t len, cap;
	bool full; /* out of memory: the rest is dropped, the hit still prints */
	char inline_buf[2048];
};

static void line_init(struct line *l)
{
	l->data = l->inline_buf;
	l->len = 0;
	l->cap = sizeof(l->inline_buf);
	l->full = false;
}

static bool line_reserve(struct line *l, size_t n)
{
	size_t cap = l->cap;
	char *data;

	if (l->full)
		return false;
	if (l->len + n < l->cap)
		return true;
	while (l->len + n >= cap)
		cap *= 2;
	data = l->data == l->inline_buf ? malloc(cap) : realloc(l->data, cap);
	if (!data) {
		l->full = true;
		return false;
	}
	if (l->data == l->inline_buf)
		memcpy(data, l->inline_buf, l->len);
	l->data = data;
	l->cap = cap;
	return true;
}

static inline void line_put(struct line *l, const char *s, size_t n)
{
	if (l->len + n >= l->cap && !line_reserve(l, n))
		return;
	memcpy(l->data + l->len, s, n);
	l->len += n;
}

static void line_puts(struct line *l, const char *s)
{
	line_put(l, s, strlen(s));
}

static void __attribute__((format(printf, 2, 3))) line_printf(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(l->data + l->len, l->cap - l->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= l->cap - l->len) {
		if (!line_reserve(l, n + 1))
			return;
		va_start(ap, fmt);
		vsnprintf(l->data + l->len, l->cap - l->len, fmt, ap);
		va_end(ap);
	}
	l->len += n;
}

/* Numbers without vsnprintf: a hit line is mostly numbers, and the
 * formatted-output machinery cost as much as the rest of a hit's work. */
static void line_put_unsigned(struct line *l, uint64_t v, unsigned base, int min_digits)
{
	char buf[24];
	int n = 0;

	/* constant divisors: the compiler turns them into multiplications */
	if (base == 16) {
		do {
			buf[sizeof(buf) - 1 - n++] = "0123456789abcdef"[v & 15];
			v >>= 4;
		} while (v || n < min_digits);
	} else {
		do {
			buf[sizeof(buf) - 1 - n++] = (char)('0' + v % 10);
			v /= 10;
		} while (v || n < min_digits);
	}
	line_put(l, buf + sizeof(buf) - n, (size_t)n);
}

static void line_put_dec(struct line *l, uint64_t v)
{
	line_put_unsigned(l, v, 10, 1);
}

static void line_put_signed(struct line *l, int64_t v)
{
	if (v < 0) {
		line_put(l, "-", 1);
		line_put_unsigned(l, -(uint64_t)v, 10, 1);
	} else {
		line_put_unsigned(l, (uint64_t)v, 10, 1);
	}
}

static void line_put_hex(struct line *l, uint64_t v)
{
	line_put(l, "0x", 2);
	line_put_unsigned(l, v, 16, 1);
}

static void line_release(struct line *l)
{
	if (l->data != l->inline_buf)
		free(l->data);
}

/* The two-character escape JSON and C both have for byte C, or NULL. */
static const char *short_escape(unsigned char c)
{
	switch (c) {
	case '"':
		return "\\\"";
	case '\\':
		return "\\\\";
	case '\n':
		return "\\n";
	case '\r':
		return "\\r";
	case '\t':
		return "\\t";
	case '\b':
		return "\\b";
	case '\f':
		return "\\f";
	default:
		return NULL;
	}
}

/* Escape S for a JSON string or a C string literal. Other control bytes
 * and bytes past ASCII become \u00XX in JSON (so the output is valid UTF-8
 * whatever the tracee's bytes were) and three-digit octal in C (so the next
 * character can never be read as part of the escape). */
static void put_escaped(struct line *l, const char *s, size_t n, bool json)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		const char *esc;
		size_t plain = i;

		/* a run of printable bytes that need no escape: one copy */
		while (plain < n && s[plain] >= 0x20 && s[plain] < 0x7f && s[plain] != '"' &&
		       s[plain] != '\\')
			plain++;
		if (plain > i) {
			line_put(l, s + i, plain - i);
			i = plain - 1;
			continue;
		}
		esc = short_escape(c);

		if (!esc && !json)
			esc = c == '\a' ? "\\a" : c == '\v' ? "\\v" : NULL;
		if (esc)
			line_puts(l, esc);
		else if (c < 0x20 || c >= 0x7f)
			line_printf(l, json ? "\\u%04x" : "\\%03o", c);
		else
			line_put(l, (const char *)&c, 1);
	}
}

static void put_json_chars(struct line *l, const char *s, size_t n)
{
	put_escaped(l, s, n, true);
}

static void put_c_chars(struct line *l, const char *s, size_t n)
{
	put_escaped(l, s, n, false);
}

static void put_json_string(struct line *l, const char *s)
{
	line_puts(l, "\"");
	put_json_chars(l, s, strlen(s));
	line_puts(l, "\"");
}

/* Read the NUL-terminated string at ADDR into BUF, at most MAX bytes, a
 * page at a time so one that runs into an unmapped page still shows its
 * readable part. *LEN gets the bytes read, *FULL whether MAX was reached
 * before a NUL. Returns -EFAULT only when not even the first byte can be
 * read. */
static int read_string(const struct arch_mem *mem, uint64_t addr, size_t max, char *buf,
		       size_t *len, bool *full)
{
	size_t got = 0;

	*full = false;
	while (got < max) {
		uint64_t at = addr + got;
		size_t chunk = PRINT_PAGE - (at % PRINT_PAGE);
		char *nul;

		if (chunk > max - got)
			chunk = max - got;
		if (mem->read(mem->ctx, at, buf + got, chunk) != 0) {
			/* A reader that refuses a partial range: take what
			 * is readable byte by byte (only on this rare path). */
			while (chunk-- && mem->read(mem->ctx, addr + got, buf + got, 1) == 0) {
				if (buf[got] == '\0')
					break;
				got++;
			}
			*len = got;
			return got ? 0 : -EFAULT;
		}
		nul = memchr(buf + got, '\0', chunk);
		if (nul) {
			*len = nul - buf;
			return 0;
		}
		got += chunk;
	}
	*len = got;
	*full = true;
	return 0;
}

int probe_read_string(const struct arch_mem *mem, uint64_t addr, char *buf, size_t *len, bool *cut)
{
	return read_string(mem, addr, PRINT_STRING_MAX, buf, len, cut);
}

int probe_hit_string(const struct probe_hit *hit, const struct probe_arg *arg,
		     const struct probe_value *pre, uint64_t addr, char *buf, size_t *len,
		     bool *cut)
{
	bool bounded = arg->strmax && arg->strmax <= PRINT_STRING_MAX;
	size_t max = bounded ? arg->strmax : PRINT_STRING_MAX;

	if (!pre)
		return probe_arg_string(arg, hit->mem, addr, buf, len, cut);
	if (pre->err)
		return pre->err;
	/* As a read of MAX bytes would see it: cut when no NUL came within
	 * them (a char[N] is whole at N bytes). */
	*len = pre->len < max ? pre->len : max;
	memcpy(buf, pre->str, *len);
	*cut = !bounded && pre->len >= max;
	return 0;
}

int probe_arg_string(const struct probe_arg *arg, const struct arch_mem *mem, uint64_t addr,
		     char *buf, size_t *len, bool *cut)
{
	/* A char[N] holds at most N bytes, and N without a NUL is its whole
	 * value: not cut. Only our own limit cuts. */
	bool bounded = arg->strmax && arg->strmax <= PRINT_STRING_MAX;
	size_t max = bounded ? arg->strmax : PRINT_STRING_MAX;
	int ret;

	if (!mem || !mem->read)
		return -EFAULT;
	ret = read_string(mem, addr, max, buf, len, cut);
	if (bounded)
		*cut = false;
	return ret;
}

static bool is_signed(enum probe_type t)
{
	return t >= PROBE_S8 && t <= PROBE_S64;
}

static bool is_hex(enum probe_type t)
{
	return t >= PROBE_X8 && t <= PROBE_X64;
}

/* "10.0.0.1": the four bytes in the order memory holds them (the low byte
 * of a little-endian load first), as a network-order address is stored. */
static void format_ipv4(uint64_t v, char *buf, size_t n)
{
	snprintf(buf, n, "%u.%u.%u.%u", (unsigned)(v & 0xff), (unsigned)(v >> 8 & 0xff),
		 (unsigned)(v >> 16 & 0xff), (unsigned)(v >> 24 & 0xff));
}

/* The character a SHOW_CHAR value is, or -1 when it is wider than a byte
 * (a wchar_t past Latin-1: only the number shows). */
static int char_of(const struct probe_arg *arg, uint64_t v)
{
	if (probe_type_size(arg->type) == 1)
		return (int)(v & 0xff);
	return v < 0x100 ? (int)v : -1;
}

bool probe_arg_text(const struct probe_arg *arg, uint64_t v, char *buf, size_t n)
{
	const char *name;
	int c;

	switch (arg->show) {
	case SHOW_ENUM:
		name = probe_arg_enum_name(arg, v);
		if (name)
			snprintf(buf, n, "%s", name);
		else if (is_signed(arg->type))
			snprintf(buf, n, "%lld", (long long)v);
		else
			snprintf(buf, n, "%llu", (unsigned long long)v);
		return true;
	case SHOW_IPV4:
		format_ipv4(v, buf, n);
		return true;
	case SHOW_BOOL:
		snprintf(buf, n, "%s", v ? "true" : "false");
		return true;
	case SHOW_CHAR:
		c = char_of(arg, v);
		if (c < 0)
			return false;
		snprintf(buf, n, "%c", c);
		return true;
	default:
		return false;
	}
}

/* V as its type says: decimal, signed decimal or 0x-hex (a string in JSON,
 * which has no hex numbers). */
static void put_number(struct line *l, enum probe_type type, uint64_t v, bool json)
{
	if (is_hex(type)) {
		if (json)
			line_put(l, "\"", 1);
		line_put_hex(l, v);
		if (json)
			line_put(l, "\"", 1);
	} else if (is_signed(type)) {
		line_put_signed(l, (int64_t)v);
	} else {
		line_put_dec(l, v);
	}
}

/* Enough digits that the float or double reads back to the same bits;
 * JSON has no NaN or infinity. */
static void put_float(struct line *l, const struct probe_arg *arg, double d, bool json)
{
	if (json && (isnan(d) || isinf(d)))
		line_puts(l, "null");
	else
		line_printf(l, probe_type_size(arg->type) == 4 ? "%.9g" : "%.17g", d);
}

/* 65 'A', '\n', '\001'. */
static void put_char(struct line *l, const struct probe_arg *arg, uint64_t v, bool json)
{
	int c = char_of(arg, v);
	char ch = (char)c;

	/* Text shows the character alone, so a field stays one word: 'a',
	 * '\n', '\001'; JSON and characters past a byte give the number. */
	if (json || c < 0) {
		put_number(l, arg->type, v, json);
		return;
	}
	line_puts(l, "'");
	if (c == '\'')
		line_puts(l, "\\'");
	else if (c == '"')
		line_puts(l, "\""); /* needs no escape between single quotes */
	else
		put_c_chars(l, &ch, 1);
	line_puts(l, "'");
}

static void put_scalar(struct line *l, const struct probe_arg *arg, uint64_t v, bool json)
{
	char text[32];
	const char *name;
	double d;

	switch (arg->show) {
	case SHOW_BOOL:
		line_puts(l, v ? "true" : "false");
		return;
	case SHOW_ENUM:
		name = probe_arg_enum_name(arg, v);
		if (!name)
			break;
		if (json)
			put_json_string(l, name);
		else
			line_puts(l, name);
		return;
	case SHOW_FLOAT:
		if (!probe_arg_float(arg, v, &d))
			break;
		put_float(l, arg, d, json);
		return;
	case SHOW_IPV4:
		format_ipv4(v, text, sizeof(text));
		line_puts(l, json ? "\"" : "");
		line_puts(l, text);
		line_puts(l, json ? "\"" : "");
		return;
	case SHOW_CHAR:
		put_char(l, arg, v, json);
		return;
	case SHOW_PLAIN:
		break;
	}
	put_number(l, arg->type, v, json);
}

static void put_string(struct line *l, const struct probe_hit *hit, const struct probe_arg *arg,
		       const struct probe_value *pre, uint64_t addr, bool json)
{
	char str[PRINT_STRING_MAX];
	size_t len;
	bool cut;

	if (probe_hit_string(hit, arg, pre, addr, str, &len, &cut)) {
		line_puts(l, json ? "null" : "(fault)");
		return;
	}
	line_puts(l, "\"");
	if (json)
		put_json_chars(l, str, len);
	else
		put_c_chars(l, str, len);
	line_puts(l, cut && !json ? "\"..." : "\"");
}

static void put_value(struct line *l, const struct probe_hit *hit, const struct probe_arg *arg,
		      const struct probe_value *pre, bool json)
{
	uint64_t v;
	int ret = probe_hit_value(hit, arg, pre, &v);

	if (ret == -ENODATA)
		line_puts(l, json ? "null" : "(optimized out)");
	else if (ret)
		line_puts(l, json ? "null" : "(fault)");
	else if (arg->type == PROBE_STRING)
		put_string(l, hit, arg, pre, v, json);
	else
		put_scalar(l, arg, v, json);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

int probe_frame_format(const struct probe_frame *f, char *buf, size_t n)
{
	unsigned long long addr = f->addr, off = f->off;

	if (f->sym && f->file)
		return snprintf(buf, n, "0x%llx %s+0x%llx (%s:%d)", addr, f->sym, off, f->file,
				f->line);
	if (f->sym)
		return snprintf(buf, n, "0x%llx %s+0x%llx (%s)", addr, f->sym, off,
				f->module ? base_name(f->module) : "??");
	if (f->module)
		return snprintf(buf, n, "0x%llx ?? (%s+0x%llx)", addr, base_name(f->module),
				(unsigned long long)f->module_off);
	return snprintf(buf, n, "0x%llx ??", addr);
}

static void put_stack_text(struct line *l, const struct probe_frame *f, int n)
{
	char num[16], text[512];

	for (int i = 0; i < n; i++, f++) {
		int k = (int)sizeof(num);

		/* Frames repeat from hit to hit: their text is formatted once,
		 * by whoever caches them; only the number is new. */
		for (unsigned v = (unsigned)i; k == (int)sizeof(num) || v; v /= 10)
			num[--k] = (char)('0' + v % 10);
		line_puts(l, "    #");
		line_put(l, num + k, sizeof(num) - (size_t)k);
		line_puts(l, " ");
		if (f->text) {
			line_puts(l, f->text);
		} else {
			probe_frame_format(f, text, sizeof(text));
			line_puts(l, text);
		}
		line_puts(l, "\n");
	}
}

static void put_json_or_null(struct line *l, const char *s)
{
	if (s)
		put_json_string(l, s);
	else
		line_puts(l, "null");
}

static void put_stack_json(struct line *l, const struct probe_frame *f, int n)
{
	line_puts(l, ",\"stack\":[");
	for (int i = 0; i < n; i++, f++) {
		line_printf(l, "%s{\"addr\":\"0x%llx\",\"sym\":", i ? "," : "",
			    (unsigned long long)f->addr);
		put_json_or_null(l, f->sym);
		line_printf(l, ",\"off\":%llu,\"module\":", (unsigned long long)f->off);
		put_json_or_null(l, f->module);
		line_puts(l, ",\"file\":");
		put_json_or_null(l, f->file);
		if (f->file)
			line_printf(l, ",\"line\":%d}", f->line);
		else
			line_puts(l, ",\"line\":null}");
	}
	line_puts(l, "]");
}

static void format_text(struct line *l, const struct probe_hit *hit, const char *name,
			const char *sym)
{
	const struct probe *probe = hit->probe;
	const struct probe_arg *args = probe ? probe_hit_args(hit) : NULL;
	size_t i;

	/* COMM-TID [CPU] SECS.USECS: NAME: */
	line_puts(l, hit->comm ? hit->comm : "<...>");
	line_put(l, "-", 1);
	line_put_signed(l, hit->tid);
	if (hit->cpu >= 0) {
		line_put(l, " [", 2);
		line_put_unsigned(l, (uint64_t)hit->cpu, 10, 3);
		line_put(l, "]", 1);
	}
	line_put(l, " ", 1);
	line_put_dec(l, hit->time_ns / 1000000000);
	line_put(l, ".", 1);
	line_put_unsigned(l, hit->time_ns % 1000000000 / 1000, 10, 6);
	line_put(l, ": ", 2);
	line_puts(l, name);
	line_put(l, ": (", 3);
	if (probe && probe->kind == PROBE_RETURN) {
		/* (CALLER+0xOFF <- SYM) or (0xADDR <- SYM) */
		if (hit->caller) {
			line_puts(l, hit->caller);
			line_put(l, "+", 1);
			line_put_hex(l, hit->caller_off);
		} else {
			line_put_hex(l, hit->caller_addr);
		}
		line_put(l, " <- ", 4);
		line_puts(l, sym);
	} else {
		/* (SYM+0xOFF/0xSIZE) */
		line_puts(l, sym);
		line_put(l, "+", 1);
		line_put_hex(l, hit->sym_off);
		line_put(l, "/", 1);
		line_put_hex(l, hit->sym_size);
	}
	line_put(l, ")", 1);
	for (i = 0; probe && i < probe->nargs; i++) {
		line_put(l, " ", 1);
		line_puts(l, args[i].name);
		line_put(l, "=", 1);
		put_value(l, hit, &args[i], probe_hit_pre(hit, i), false);
	}
	line_puts(l, "\n");
	if (hit->stack)
		put_stack_text(l, hit->stack, hit->nstack);
}

static void format_json(struct line *l, const struct probe_hit *hit, const char *name,
			const char *sym)
{
	const struct probe *probe = hit->probe;
	const struct probe_arg *args = probe ? probe_hit_args(hit) : NULL;
	char caller[64];
	size_t i;

	line_puts(l, "{\"probe\":");
	put_json_string(l, name);
	line_printf(l, ",\"tid\":%d,\"pid\":%d,\"comm\":", (int)hit->tid, (int)hit->pid);
	put_json_string(l, hit->comm ? hit->comm : "");
	line_printf(l, ",\"time_ns\":%llu,\"sym\":", (unsigned long long)hit->time_ns);
	put_json_string(l, sym);
	if (probe && probe->kind == PROBE_RETURN) {
		line_puts(l, ",\"caller\":\"");
		if (hit->caller) {
			put_json_chars(l, hit->caller, strlen(hit->caller));
			snprintf(caller, sizeof(caller), "+0x%llx",
				 (unsigned long long)hit->caller_off);
		} else {
			snprintf(caller, sizeof(caller), "0x%llx",
				 (unsigned long long)hit->caller_addr);
		}
		line_puts(l, caller);
		line_puts(l, "\"");
	}
	line_puts(l, ",\"args\":{");
	for (i = 0; probe && i < probe->nargs; i++) {
		if (i)
			line_puts(l, ",");
		put_json_string(l, args[i].name);
		line_puts(l, ":");
		put_value(l, hit, &args[i], probe_hit_pre(hit, i), true);
	}
	line_puts(l, "}");
	if (hit->stack)
		put_stack_json(l, hit->stack, hit->nstack);
	line_puts(l, "}\n");
}

int probe_hit_arg_text(const struct probe_hit *hit, size_t i, char *buf, size_t n)
{
	const struct probe_value *pre = probe_hit_pre(hit, i);
	const struct probe_arg *a;
	size_t len = 0;

	if (!hit->probe || i >= hit->probe->nargs)
		return -EINVAL;
	a = &probe_hit_args(hit)[i];
	if (a->pretty)
		return probe_pretty_text(hit, a, buf, n);
	if (a->list == LIST_NONE)
		return -EINVAL;
	buf[0] = '\0';
	for (size_t k = 0; k < a->nparts && len < n; k++) {
		const struct probe_value *part = pre && pre->parts ? &pre->parts[k] : NULL;
		uint64_t v;

		/* SystemTap's form: every value in hex */
		if (a->parts[k].fetch && (!pre || part) &&
		    probe_hit_value(hit, &a->parts[k], part, &v) == 0)
			len += (size_t)snprintf(buf + len, n - len, "%s%s=0x%llx", k ? " " : "",
						a->parts[k].name, (unsigned long long)v);
		else
			len += (size_t)snprintf(buf + len, n - len, "%s%s=?", k ? " " : "",
						a->parts[k].name);
	}
	return 0;
}

int probe_hit_arg_value(const struct probe_hit *hit, size_t i, uint64_t *out)
{
	if (!hit->probe || i >= hit->probe->nargs)
		return -EINVAL;
	return probe_hit_value(hit, &probe_hit_args(hit)[i], probe_hit_pre(hit, i), out);
}

int probe_hit_arg_value_input(const struct probe_hit *hit, size_t i, uint64_t input,
			      uint64_t *out)
{
	if (!hit->probe || i >= hit->probe->nargs)
		return -EINVAL;
	return probe_arg_value_input(&probe_hit_args(hit)[i], hit->regs, hit->mem, input, out);
}

bool probe_hit_arg_defined(const struct probe_hit *hit, size_t i)
{
	return hit->probe && i < hit->probe->nargs && !probe_hit_args(hit)[i].absent;
}

void probe_print_hit(FILE *out, const struct probe_hit *hit, bool json)
{
	const char *name, *sym;
	struct line l;

	if (!out || !hit)
		return;
	if (hit->probe && !probe_filter_match(hit->probe->filter, hit))
		return; /* f:EXPR said no */
	name = hit->probe ? hit->probe->name : "?";
	sym = hit->sym ? hit->sym : "?";
	line_init(&l);
	if (json)
		format_json(&l, hit, name, sym);
	else
		format_text(&l, hit, name, sym);
	if (l.full && l.len) /* cut short by a failed malloc: still one line */
		l.data[l.len - 1] = '\n';
	fwrite(l.data, 1, l.len, out);
	line_release(&l);
}
