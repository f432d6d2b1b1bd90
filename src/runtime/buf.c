/* buf.c: the growing, optionally capped output buffer. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/buf.h"

void rt_buf_init(struct rt_buf *b, size_t limit)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->limit = limit;
	b->error = 0;
}

void rt_buf_free(struct rt_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void rt_buf_reset(struct rt_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

size_t rt_buf_room(const struct rt_buf *b)
{
	if (!b->limit)
		return SIZE_MAX;
	return b->len < b->limit ? b->limit - b->len : 0;
}

/* Room for N more bytes and the NUL; N is already within the limit. */
static int reserve(struct rt_buf *b, size_t n)
{
	size_t need = b->len + n + 1, cap = b->cap ? b->cap : 64;
	char *p;

	if (b->error)
		return b->error;
	if (need <= b->cap)
		return 0;
	while (cap < need)
		cap *= 2;
	p = realloc(b->data, cap);
	if (!p)
		return b->error = -ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

int rt_buf_put(struct rt_buf *b, const void *p, size_t n)
{
	size_t room = rt_buf_room(b);

	if (n > room)
		n = room;
	if (reserve(b, n))
		return b->error;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int rt_buf_putc(struct rt_buf *b, int c)
{
	char ch = (char)c;

	return rt_buf_put(b, &ch, 1);
}

int rt_buf_pad(struct rt_buf *b, int c, size_t n)
{
	size_t room = rt_buf_room(b);

	if (n > room)
		n = room;
	if (reserve(b, n))
		return b->error;
	memset(b->data + b->len, c, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int rt_buf_printf(struct rt_buf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	if ((size_t)n < sizeof(small))
		return rt_buf_put(b, small, (size_t)n);

	/* Rare: a long line; format it again in place. */
	if (reserve(b, (size_t)n))
		return b->error;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	if ((size_t)n > rt_buf_room(b))
		n = (int)rt_buf_room(b);
	b->len += (size_t)n;
	b->data[b->len] = '\0';
	return 0;
}

void rt_buf_truncate(struct rt_buf *b, size_t len)
{
	if (len < b->len) {
		b->len = len;
		b->data[len] = '\0';
	}
}

const char *rt_buf_cstr(const struct rt_buf *b)
{
	return b->data ? b->data : "";
}

struct rt_str *rt_buf_str(const struct rt_buf *b, size_t from, size_t maxlen)
{
	if (from >= b->len)
		return rt_str_empty();
	return rt_str_new(b->data + from, b->len - from, maxlen);
}

int rt_buf_fwrite(const struct rt_buf *b, FILE *f)
{
	if (b->len && fwrite(b->data, 1, b->len, f) != b->len)
		return -EIO;
	return 0;
}
