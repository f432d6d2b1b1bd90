/* buf.h: a growing output buffer, optionally capped, that print and sprintf write into. */
#ifndef UTAP_RUNTIME_BUF_H
#define UTAP_RUNTIME_BUF_H

#include <stddef.h>
#include <stdio.h>

#include "runtime/value.h"

/*
 * Bytes appended at the end.  DATA is NUL-terminated when not NULL (it may
 * hold NUL bytes of its own: printf("%b") writes binary).  With a LIMIT,
 * bytes past it are dropped silently, as SystemTap truncates into its fixed
 * buffers.  An allocation failure is remembered in ERROR (-ENOMEM) and
 * returned by every later call.
 */
struct rt_buf {
	char *data;
	size_t len;
	size_t cap;
	size_t limit; /* 0: none */
	int error;
};

/* An empty buffer keeping at most LIMIT bytes (0: no limit). */
void rt_buf_init(struct rt_buf *b, size_t limit);

/* Free the bytes; B can be initialized again. */
void rt_buf_free(struct rt_buf *b);

/* Forget the contents, keep the memory and the limit. */
void rt_buf_reset(struct rt_buf *b);

/* Append N bytes of P (what passes the limit is dropped).  0 or -ENOMEM. */
int rt_buf_put(struct rt_buf *b, const void *p, size_t n);

/* Append the byte C.  0 or -ENOMEM. */
int rt_buf_putc(struct rt_buf *b, int c);

/* Append N copies of the byte C.  0 or -ENOMEM. */
int rt_buf_pad(struct rt_buf *b, int c, size_t n);

/* Append C printf output (the host's printf: for fixed layouts such as the
 * histogram rows, never for script formats).  0 or -ENOMEM. */
int rt_buf_printf(struct rt_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* How many more bytes the limit lets in (SIZE_MAX without a limit). */
size_t rt_buf_room(const struct rt_buf *b);

/* Cut the contents back to LEN bytes (no-op if shorter). */
void rt_buf_truncate(struct rt_buf *b, size_t len);

/* The contents as a C string ("" when empty). */
const char *rt_buf_cstr(const struct rt_buf *b);

/* The contents from offset FROM as a script string: up to the first NUL
 * byte, at most MAXLEN - 1 bytes.  NULL only without memory. */
struct rt_str *rt_buf_str(const struct rt_buf *b, size_t from, size_t maxlen);

/* Write the contents to F.  0 or -EIO. */
int rt_buf_fwrite(const struct rt_buf *b, FILE *f);

#endif
