/* text.c: text_str() and text_strn(): escaping a string as SystemTap's _stp_text_str() does. */
#include <stdlib.h>
#include <string.h>

#include "runtime/strings.h"

/*
 * _stp_decode_utf8(): the code point starting at IN (SIZE bytes readable,
 * the last being the NUL) into *C; returns the bytes it takes.  Anything
 * but a valid, shortest-form, non-surrogate sequence up to U+10FFFF is
 * taken one byte at a time, verbatim.
 */
static int decode_utf8(const unsigned char *in, int size, int *c)
{
	unsigned char b = in[0];
	int n, v;

	if ((b & 0xe0) == 0xc0 && size >= 2) {
		n = 2;
		v = b & 0x1f;
	} else if ((b & 0xf0) == 0xe0 && size >= 3) {
		n = 3;
		v = b & 0xf;
	} else if ((b & 0xf8) == 0xf0 && size >= 4) {
		n = 4;
		v = b & 0x7;
	} else {
		goto verbatim;
	}
	for (int i = 1; i < n; i++) {
		if ((in[i] & 0xc0) != 0x80)
			goto verbatim;
		v = (v << 6) | (in[i] & 0x3f);
	}
	if ((v >= 0xd800 && v <= 0xdfff) || v > 0x10ffff)
		goto verbatim;
	if (v < 0x80 || (n == 3 && v < 0x800) || (n == 4 && v < 0x10000))
		goto verbatim;
	*c = v;
	return n;
verbatim:
	*c = b;
	return 1;
}

/* The escape for C into SEQ; its length. */
static int escape(int c, int n, char *seq)
{
	static const char from[] = "\a\b\f\n\r\t\v\"\\", to[] = "abfnrtv\"\\";
	const char *p;

	if (n > 1) { /* UTF-8: \uXXXX or \UXXXXXXXX */
		int len = c <= 0xffff ? 6 : 10;

		seq[0] = '\\';
		seq[1] = c <= 0xffff ? 'u' : 'U';
		for (int i = len - 3, k = 2; i >= 0; i--, k++)
			seq[k] = "0123456789ABCDEF"[(c >> (i * 4)) & 0xf];
		return len;
	}
	if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
		seq[0] = (char)c;
		return 1;
	}
	seq[0] = '\\';
	p = c ? strchr(from, c) : NULL;
	if (c == 0 || p) {
		seq[1] = c ? to[p - from] : '0';
		return 2;
	}
	seq[1] = (char)('0' + ((c >> 6) & 3));
	seq[2] = (char)('0' + ((c >> 3) & 7));
	seq[3] = (char)('0' + (c & 7));
	return 4;
}

/*
 * _stp_text_str(OUT, IN, 0, OUTLEN, QUOTED, 0, 0).  OUTLEN <= 0 or past
 * MAXLEN - 1 means MAXLEN - 1.  Quoting keeps two bytes for the quotes;
 * when the input does not fit it ends with "\"..." and backs up over any
 * escape sequence that would be cut.
 */
static struct rt_str *text_str(const struct rt_str *input, int64_t outlen, bool quoted,
			       size_t maxlen)
{
	int limit = (int)((maxlen ? maxlen : RT_MAXSTRINGLEN) - 1);
	const unsigned char *in = (const unsigned char *)input->data;
	int inlen = limit, olen, c = 0;
	char *out, *o, *esc = NULL;
	int esc_len = 0;
	struct rt_str *r;

	olen = outlen <= 0 || outlen > limit ? limit : (int)outlen;
	out = malloc((size_t)(limit > 5 ? limit : 5) + 8); /* quotes and "..." */
	if (!out)
		return NULL;
	o = out;
	if (quoted) {
		olen = (olen > 5 ? olen : 5) - 2;
		*o++ = '"';
	}
	while (inlen > 0) {
		char seq[10];
		int n, num;

		/* The input's NUL is where SystemTap's C string ends. */
		n = decode_utf8(in, (int)((const unsigned char *)input->data + input->len + 1 - in),
				&c);
		if (c == 0 || olen <= 0)
			break;
		in += n;
		inlen -= n;
		num = escape(c, n, seq);
		if (num > 1 && !esc && olen - 3 < num) {
			esc = o;
			esc_len = num;
		}
		if (olen < num)
			break;
		memcpy(o, seq, (size_t)num);
		o += num;
		olen -= num;
	}
	if (quoted) {
		if (c && inlen > 0) {
			char *cut = o - 3 + olen;

			o = esc && esc < cut && cut < esc + esc_len ? esc : cut;
			memcpy(o, "\"...", 4);
			o += 4;
		} else {
			*o++ = '"';
		}
	}
	r = rt_str_new(out, (size_t)(o - out), maxlen);
	free(out);
	return r;
}

struct rt_str *rt_text_str(const struct rt_str *input, size_t maxlen)
{
	return text_str(input, 0, false, maxlen);
}

struct rt_str *rt_text_strn(const struct rt_str *input, int64_t len, bool quoted, size_t maxlen)
{
	return text_str(input, len, quoted, maxlen);
}
