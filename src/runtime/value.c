/* value.c: refcounted immutable strings and the value helpers around them. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/value.h"

/* A union may hold a struct with a flexible array member; the extra byte is
 * the empty string's NUL. */
static union {
	struct rt_str str;
	char bytes[sizeof(struct rt_str) + 1];
} empty_string = {.str = {.refs = RT_STR_IMMORTAL, .len = 0}};

static size_t max_bytes(size_t maxlen)
{
	if (maxlen == 0)
		maxlen = RT_MAXSTRINGLEN;
	return maxlen - 1;
}

struct rt_str *rt_str_empty(void)
{
	return &empty_string.str;
}

struct rt_str *rt_str_new(const char *s, size_t len, size_t maxlen)
{
	struct rt_str *r;
	const char *nul;
	size_t limit = max_bytes(maxlen);

	if (len > limit)
		len = limit;
	nul = len ? memchr(s, '\0', len) : NULL;
	if (nul)
		len = (size_t)(nul - s);
	if (len == 0)
		return rt_str_empty();
	r = malloc(sizeof(*r) + len + 1);
	if (!r)
		return NULL;
	r->refs = 1;
	r->len = (uint32_t)len;
	memcpy(r->data, s, len);
	r->data[len] = '\0';
	return r;
}

struct rt_str *rt_str_cstr(const char *s, size_t maxlen)
{
	return rt_str_new(s, strnlen(s, max_bytes(maxlen)), maxlen);
}

struct rt_str *rt_str_ref(struct rt_str *s)
{
	if (s->refs != RT_STR_IMMORTAL)
		s->refs++;
	return s;
}

void rt_str_unref(struct rt_str *s)
{
	if (!s || s->refs == RT_STR_IMMORTAL)
		return;
	if (--s->refs == 0)
		free(s);
}

struct rt_str *rt_str_concat(const struct rt_str *a, const struct rt_str *b, size_t maxlen)
{
	size_t limit = max_bytes(maxlen);
	size_t la = a->len < limit ? a->len : limit;
	size_t lb = b->len < limit - la ? b->len : limit - la;
	struct rt_str *r;

	if (lb == 0 && la == a->len)
		return rt_str_ref((struct rt_str *)a);
	if (la == 0 && lb == b->len)
		return rt_str_ref((struct rt_str *)b);
	r = malloc(sizeof(*r) + la + lb + 1);
	if (!r)
		return NULL;
	r->refs = 1;
	r->len = (uint32_t)(la + lb);
	memcpy(r->data, a->data, la);
	memcpy(r->data + la, b->data, lb);
	r->data[la + lb] = '\0';
	return r;
}

struct rt_str *rt_str_from_long(int64_t v)
{
	char buf[24];
	int n = snprintf(buf, sizeof(buf), "%" PRId64, v);

	return rt_str_new(buf, (size_t)n, 0);
}

int rt_str_cmp(const struct rt_str *a, const struct rt_str *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->data, b->data, n);

	if (c)
		return c;
	return a->len < b->len ? -1 : a->len > b->len;
}

bool rt_str_eq(const struct rt_str *a, const struct rt_str *b)
{
	return a == b || (a->len == b->len && memcmp(a->data, b->data, a->len) == 0);
}

void rt_value_copy(struct rt_value *dst, const struct rt_value *src)
{
	*dst = *src;
	if (src->type == RT_STRING && src->str)
		rt_str_ref(src->str);
}

void rt_value_release(struct rt_value *v)
{
	if (v->type == RT_STRING)
		rt_str_unref(v->str);
	v->type = RT_NONE;
	v->num = 0;
}

struct rt_value rt_value_zero(enum rt_type type)
{
	struct rt_value v = {.type = type};

	if (type == RT_STRING)
		v.str = rt_str_empty();
	return v;
}

const char *rt_strerror(int err)
{
	switch (err) {
	case 0:
		return "success";
	case -ENODATA:
		return "empty aggregate";
	case -ERANGE:
		return "histogram index out of range";
	case -E2BIG:
		return "Array overflow, check MAXMAPENTRIES";
	case -EFAULT:
		return "read fault";
	case -EMSGSIZE:
		return "too many bytes for a memory dump";
	case -ENOMEM:
		return "out of memory";
	case -EINVAL:
		return "type mismatch";
	case -EBUSY:
		return "the array is not empty";
	default:
		return "runtime error";
	}
}
