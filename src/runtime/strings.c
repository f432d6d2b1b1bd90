/* strings.c: strlen, substr, stringat, isinstr, strpos, strtol, isdigit, str_replace, tokenize. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/buf.h"
#include "runtime/strings.h"

static size_t limit_of(size_t maxlen)
{
	return maxlen ? maxlen : RT_MAXSTRINGLEN;
}

int64_t rt_strlen(const struct rt_str *s)
{
	return s->len;
}

struct rt_str *rt_substr(const struct rt_str *s, int64_t start, int64_t length, size_t maxlen)
{
	/* clamp_t(int64_t, length + 1, 0, MAXSTRINGLEN), then strlcpy() of
	 * that size: it copies one byte less. */
	int64_t size = (int64_t)((uint64_t)length + 1);
	size_t n;

	if (size <= 0 || start < 0 || (uint64_t)start >= s->len)
		return rt_str_empty();
	if ((uint64_t)size > limit_of(maxlen))
		size = (int64_t)limit_of(maxlen);
	n = (size_t)size - 1;
	if (n > s->len - (size_t)start)
		n = s->len - (size_t)start;
	return rt_str_new(s->data + start, n, maxlen);
}

int rt_stringat(const struct rt_str *s, int64_t pos, int64_t *out)
{
	*out = 0;
	if (pos < 0 || (uint64_t)pos >= s->len)
		return -ERANGE;
	*out = (signed char)s->data[pos];
	return 0;
}

int64_t rt_isinstr(const struct rt_str *s1, const struct rt_str *s2)
{
	return strstr(s1->data, s2->data) != NULL;
}

int64_t rt_strpos(const struct rt_str *haystack, const struct rt_str *needle)
{
	const char *p = strstr(haystack->data, needle->data);

	return p ? p - haystack->data : -1;
}

/* The kernel's _parse_integer_fixup_radix() and _parse_integer(). */
static uint64_t simple_strtoull(const char *cp, unsigned int base)
{
	uint64_t result = 0;

	if (base == 0) {
		if (cp[0] == '0') {
			if ((cp[1] | 0x20) == 'x' && strchr("0123456789abcdefABCDEF", cp[2]) &&
			    cp[2])
				base = 16;
			else
				base = 8;
		} else {
			base = 10;
		}
	}
	if (base == 16 && cp[0] == '0' && (cp[1] | 0x20) == 'x')
		cp += 2;
	for (;; cp++) {
		unsigned int val;
		char lc = (char)(*cp | 0x20);

		if (*cp >= '0' && *cp <= '9')
			val = (unsigned int)(*cp - '0');
		else if (lc >= 'a' && lc <= 'f')
			val = (unsigned int)(lc - 'a' + 10);
		else
			break;
		if (val >= base)
			break;
		result = result * base + val;
	}
	return result;
}

int64_t rt_strtol(const struct rt_str *s, int64_t base)
{
	unsigned int b = (unsigned int)base;

	if (s->data[0] == '-')
		return (int64_t)(0 - simple_strtoull(s->data + 1, b));
	return (int64_t)simple_strtoull(s->data, b);
}

int64_t rt_isdigit(const struct rt_str *s)
{
	return s->data[0] >= '0' && s->data[0] <= '9';
}

struct rt_str *rt_str_replace(const struct rt_str *prnt, const struct rt_str *srch,
			      const struct rt_str *rplc, size_t maxlen)
{
	struct rt_buf b;
	const char *base = prnt->data, *p;
	struct rt_str *r;

	if (srch->len == 0)
		return rt_str_ref((struct rt_str *)prnt);
	rt_buf_init(&b, limit_of(maxlen) - 1);
	while ((p = strstr(base, srch->data)) != NULL) {
		rt_buf_put(&b, base, (size_t)(p - base));
		rt_buf_put(&b, rplc->data, rplc->len);
		base = p + srch->len;
	}
	rt_buf_put(&b, base, strlen(base));
	r = b.error ? NULL : rt_buf_str(&b, 0, maxlen);
	rt_buf_free(&b);
	return r;
}

void rt_tokenizer_init(struct rt_tokenizer *t)
{
	t->buf = t->next = t->end = NULL;
}

void rt_tokenizer_free(struct rt_tokenizer *t)
{
	free(t->buf);
	rt_tokenizer_init(t);
}

/* strsep(): the token at *NEXT up to a byte of DELIM, which becomes a NUL;
 * *NEXT moves past it, or to NULL at the end. */
static char *separate(char **next, const char *delim)
{
	char *tok = *next, *p;

	if (!tok)
		return NULL;
	p = tok + strcspn(tok, delim);
	if (*p) {
		*p = '\0';
		*next = p + 1;
	} else {
		*next = NULL;
	}
	return tok;
}

int rt_tokenize(struct rt_tokenizer *t, const struct rt_str *input, const struct rt_str *delim,
		size_t maxlen, struct rt_str **out)
{
	char *tok;

	if (input->len) {
		size_t n = input->len < limit_of(maxlen) - 1 ? input->len : limit_of(maxlen) - 1;
		char *copy = malloc(n + 1);

		if (!copy)
			return -ENOMEM;
		memcpy(copy, input->data, n);
		copy[n] = '\0';
		free(t->buf);
		t->buf = t->next = copy;
		t->end = copy + n;
	}
	do
		tok = separate(&t->next, delim->data);
	while (tok && !tok[0]);
	*out = tok ? rt_str_new(tok, strlen(tok), maxlen) : rt_str_empty();
	return *out ? 0 : -ENOMEM;
}
