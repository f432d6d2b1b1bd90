/* pretty.c: a script's pretty-printed value ($x$, $$parms$ ...) at a hit: its pieces of
 * text, each followed by its value as SystemTap prints it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "probe/format_priv.h"
#include "probe/parse_priv.h"

/* C as SystemTap's %#c and quoted strings escape it, into BUF (8 bytes). */
static void escape_char(char c, char *buf, size_t n)
{
	static const char from[] = "\a\b\f\n\r\t\v\\'\"", to[] = "abfnrtv\\'\"";
	const char *e = c ? strchr(from, c) : NULL;

	if (e)
		snprintf(buf, n, "\\%c", to[e - from]);
	else if ((unsigned char)c >= 32 && (unsigned char)c < 127)
		snprintf(buf, n, "%c", c);
	else
		snprintf(buf, n, "\\%03o", (unsigned char)c);
}

/* One piece's value at HIT, appended to BUF at *LEN. */
static void piece_value(const struct probe_hit *hit, const struct probe_arg *a, char *buf, size_t n,
			size_t *len)
{
	char text[PRINT_STRING_MAX + 1], esc[8];
	size_t tlen = 0;
	uint64_t v;
	bool cut;

	if (*len >= n)
		return;
	if (!a->fetch || probe_arg_value(a, hit->regs, hit->mem, &v) != 0) {
		*len += (size_t)snprintf(buf + *len, n - *len, "?");
		return;
	}
	switch (a->pretty_fmt) {
	case 'd':
		*len += (size_t)snprintf(buf + *len, n - *len, "%lld", (long long)v);
		break;
	case 'u':
		*len += (size_t)snprintf(buf + *len, n - *len, "%llu", (unsigned long long)v);
		break;
	case 'c':
		escape_char((char)v, esc, sizeof(esc));
		*len += (size_t)snprintf(buf + *len, n - *len, "'%s'", esc);
		break;
	case 's':
		if (probe_arg_string(a, hit->mem, v, text, &tlen, &cut) != 0) {
			*len += (size_t)snprintf(buf + *len, n - *len, "\"<unknown>\"");
			break;
		}
		*len += (size_t)snprintf(buf + *len, n - *len, "\"");
		for (size_t i = 0; i < tlen && *len < n; i++) {
			escape_char(text[i], esc, sizeof(esc));
			*len += (size_t)snprintf(buf + *len, n - *len, "%s", esc);
		}
		if (*len < n)
			*len += (size_t)snprintf(buf + *len, n - *len, "\"");
		break;
	default:
		*len += (size_t)snprintf(buf + *len, n - *len, "0x%llx", (unsigned long long)v);
	}
}

int probe_pretty_text(const struct probe_hit *hit, const struct probe_arg *a, char *buf, size_t n)
{
	size_t len = 0;

	if (!n)
		return -EINVAL;
	buf[0] = '\0';
	for (size_t k = 0; k < a->nparts && len < n; k++) {
		len += (size_t)snprintf(buf + len, n - len, "%s", a->parts[k].name);
		if (a->parts[k].pretty_fmt)
			piece_value(hit, &a->parts[k], buf, n, &len);
	}
	return 0;
}
