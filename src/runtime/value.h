/* value.h: the script runtime's values: longs, immutable refcounted strings, aggregates. */
#ifndef UTAP_RUNTIME_VALUE_H
#define UTAP_RUNTIME_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * MAXSTRINGLEN as SystemTap defines it: the size of a string buffer,
 * terminating NUL included, so a string holds at most MAXSTRINGLEN - 1
 * bytes.  512 is SystemTap's default on 64-bit hosts.  Every function that
 * builds a string takes it as MAXLEN (0 means this default) and truncates
 * silently, as SystemTap's strlcpy/strlcat into fixed buffers do.
 */
#define RT_MAXSTRINGLEN 512

/* The checker fixes every expression's type; RT_NONE is "no value". */
enum rt_type { RT_NONE, RT_LONG, RT_STRING, RT_STATS };

/*
 * An immutable string.  Like SystemTap's (C strings in fixed buffers) it
 * never contains a NUL byte: DATA[LEN] is the terminating NUL, so DATA can
 * be handed to C functions as is.
 *
 * Ownership: strings are reference counted (not atomically: one interpreter
 * thread owns them).  A function returning "struct rt_str *" hands the
 * caller one reference, which it drops with rt_str_unref(); a function
 * taking "const struct rt_str *" only borrows it for the call.  Nothing
 * ever modifies a string after it is built, so sharing is always safe.
 * NULL is returned only when memory runs out.
 */
struct rt_str {
	uint32_t refs; /* RT_STR_IMMORTAL: a static string, never freed */
	uint32_t len;
	char data[];
};

#define RT_STR_IMMORTAL UINT32_MAX

struct rt_stats;

/*
 * A value: a long, a string or an aggregate.  A value of type RT_STRING
 * owns one reference to STR (rt_value_release() drops it, rt_value_copy()
 * takes another).  RT_STATS values only borrow STATS from whoever holds the
 * aggregate (a global, or a map entry); NULL there means "no such element".
 */
struct rt_value {
	enum rt_type type;
	union {
		int64_t num;
		struct rt_str *str;
		struct rt_stats *stats;
	};
};

/* A string of the first LEN bytes of S (stopping early at a NUL byte),
 * truncated to MAXLEN - 1 bytes. */
struct rt_str *rt_str_new(const char *s, size_t len, size_t maxlen);

/* rt_str_new() of the C string S. */
struct rt_str *rt_str_cstr(const char *s, size_t maxlen);

/* The shared empty string (a static one: never fails, unref is a no-op). */
struct rt_str *rt_str_empty(void);

/* Another reference to S (returns S). */
struct rt_str *rt_str_ref(struct rt_str *s);

/* Drop a reference; frees S with the last one.  NULL is ignored. */
void rt_str_unref(struct rt_str *s);

/* A . B, the script's concatenation, truncated to MAXLEN - 1 bytes. */
struct rt_str *rt_str_concat(const struct rt_str *a, const struct rt_str *b, size_t maxlen);

/* V in decimal, as print(), sprint() and "%d" write a long. */
struct rt_str *rt_str_from_long(int64_t v);

/* The script's string comparison (<, ==, ...): bytes compared unsigned, as
 * SystemTap's strncmp does.  <0, 0 or >0. */
int rt_str_cmp(const struct rt_str *a, const struct rt_str *b);

/* rt_str_cmp(a, b) == 0, faster. */
bool rt_str_eq(const struct rt_str *a, const struct rt_str *b);

/* Value constructors.  rt_value_string() takes over the caller's reference. */
static inline struct rt_value rt_value_long(int64_t n)
{
	struct rt_value v = {.type = RT_LONG, .num = n};
	return v;
}

static inline struct rt_value rt_value_string(struct rt_str *s)
{
	struct rt_value v = {.type = RT_STRING, .str = s};
	return v;
}

/* *DST = *SRC with a reference of its own (DST is overwritten, not released). */
void rt_value_copy(struct rt_value *dst, const struct rt_value *src);

/* Drop what V owns and make it RT_NONE. */
void rt_value_release(struct rt_value *v);

/* The zero value of TYPE: 0, "" (the shared empty string), or no aggregate. */
struct rt_value rt_value_zero(enum rt_type type);

/*
 * SystemTap's message for a runtime error code returned by this library:
 * -ENODATA "empty aggregate", -ERANGE "histogram index out of range",
 * -E2BIG "Array overflow, check MAXMAPENTRIES" (a map declared with a size
 * says "Array overflow, check size limit (N)" instead: the caller knows N),
 * -EFAULT "read fault", -ENOMEM, -EINVAL "type mismatch"...
 */
const char *rt_strerror(int err);

#endif
